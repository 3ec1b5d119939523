// The store of a relay started on a full disk. SQLite cannot open its database for
// writing then (not even its shared-memory file can grow), and refusing to start would
// leave every collective of the site without its documents. So the relay opens the file
// read-only, and reads what a crash left in the journal without emptying it: rooms load
// whole, nothing is written, and the next start with space folds the journal in as usual.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decodeBatches, type JournalRecord } from './journal.js';
import type { Append, CompactionResult, RoomAccess, RoomStorage, Snapshot, StoredRoom, TokenHashes } from '../storage.js';

/** A write asked of a relay that started read-only. */
export class ReadOnlyStorageError extends Error {
	override name = 'ReadOnlyStorageError';
}

interface AccessRow {
	token_hash: string;
	readonly_token_hash: string | null;
	recovery_hash: string | null;
}

/** Whether a failure to open the store looks like a full disk rather than a broken one. */
export function isSpaceError(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE' || code === 'SQLITE_IOERR_WRITE';
}

/**
 * The database opened for reading. With a write-ahead log left by a crash, SQLite reads
 * the file and the log through their shared-memory index, which exists already. After a
 * clean stop there is no log: everything is in the file, but SQLite would still have to
 * create that index, and cannot on a full disk; the file is then read into memory, marked
 * as a file without a log.
 */
function openReadOnly(file: string): Database.Database {
	let first: unknown;
	try {
		const db = new Database(file, { readonly: true, fileMustExist: true });
		try {
			db.prepare('SELECT count(*) FROM rooms').get();
			return db;
		} catch (error) {
			db.close();
			throw error;
		}
	} catch (error) {
		first = error;
	}
	const log = fs.statSync(`${file}-wal`, { throwIfNoEntry: false });
	if (log !== undefined && log.size > 0) throw first;
	const bytes = fs.readFileSync(file);
	// The header's read and write versions: 1, a rollback journal, instead of 2, a log.
	bytes[18] = 1;
	bytes[19] = 1;
	return new Database(bytes, { readonly: true });
}

export class ReadOnlyStorage implements RoomStorage {
	readonly #db: Database.Database;
	/** Per room, what the journal holds, in sequence order. */
	readonly #journaled = new Map<string, JournalRecord[]>();

	constructor(dataDir: string) {
		this.#db = openReadOnly(path.join(dataDir, 'relay.sqlite'));
		for (const name of ['journal-a', 'journal-b']) {
			let bytes: Buffer;
			try {
				bytes = fs.readFileSync(path.join(dataDir, name));
			} catch {
				continue;
			}
			for (const record of decodeBatches(bytes).records) {
				const list = this.#journaled.get(record.roomId) ?? [];
				list.push(record);
				this.#journaled.set(record.roomId, list);
			}
		}
	}

	async claimRoom(): Promise<RoomAccess> {
		throw new ReadOnlyStorageError('the relay is read-only: no room can be claimed');
	}

	async roomAccess(roomId: string): Promise<RoomAccess | null> {
		const row = this.#db
			.prepare<[string], AccessRow>('SELECT token_hash, readonly_token_hash, recovery_hash FROM rooms WHERE id = ?')
			.get(roomId);
		if (row === undefined) return null;
		return { tokenHash: row.token_hash, readonlyTokenHash: row.readonly_token_hash, recoveryHash: row.recovery_hash };
	}

	async setReadonlyToken(roomId: string): Promise<RoomAccess> {
		// Learnt again from the member's next connection once the relay can write.
		const access = await this.roomAccess(roomId);
		if (access === null) throw new ReadOnlyStorageError(`room ${roomId} is not claimed`);
		return access;
	}

	async replaceAccess(_roomId: string, _expected: string, _next: TokenHashes): Promise<boolean> {
		throw new ReadOnlyStorageError('the relay is read-only: no key change');
	}

	async deleteUnusedRooms(): Promise<string[]> {
		return [];
	}

	async loadRoom(roomId: string): Promise<StoredRoom> {
		const snapshotRow = this.#db
			.prepare<[string], { seq_upto: number; data: Buffer; state_vector: Buffer | null }>(
				'SELECT seq_upto, data, state_vector FROM snapshots WHERE room_id = ?'
			)
			.get(roomId);
		const snapshot: Snapshot | null =
			snapshotRow === undefined
				? null
				: {
						seqUpto: snapshotRow.seq_upto,
						data: new Uint8Array(snapshotRow.data),
						stateVector: snapshotRow.state_vector === null ? null : new Uint8Array(snapshotRow.state_vector)
					};
		const from = snapshot?.seqUpto ?? 0;
		const bySeq = new Map<number, Uint8Array>();
		const rows = this.#db
			.prepare<[string, number], { seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE room_id = ? AND seq > ? ORDER BY seq')
			.all(roomId, from);
		for (const row of rows) bySeq.set(row.seq, new Uint8Array(row.data));
		// Journaled updates not folded yet (a record may be in both: the same update).
		for (const record of this.#journaled.get(roomId) ?? []) {
			if (record.seq > from && !bySeq.has(record.seq)) bySeq.set(record.seq, record.data);
		}
		const updates = [...bySeq.entries()].sort(([a], [b]) => a - b).map(([seq, data]) => ({ seq, data }));
		return { snapshot, updates };
	}

	async appendUpdates(_appends: readonly Append[]): Promise<number[]> {
		throw new ReadOnlyStorageError('the relay is read-only: no update is stored');
	}

	async appendUpdate(): Promise<number> {
		throw new ReadOnlyStorageError('the relay is read-only: no update is stored');
	}

	async writeSnapshot(): Promise<CompactionResult | null> {
		// The log stays as it is; compaction waits for a start with space.
		return null;
	}

	async synced(): Promise<void> {}

	async isWritable(): Promise<boolean> {
		return false;
	}

	async close(): Promise<void> {
		if (this.#db.open) this.#db.close();
	}
}
