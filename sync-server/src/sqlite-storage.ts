// The default store: one SQLite file in the data directory, written through
// better-sqlite3. Writes are synchronous, so when appendUpdates resolves the updates are
// in the file (they survive a crash of the relay), and a room loads before any other
// message of the event loop runs. How they reach the disk itself depends on `diskSync`.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Checkpointer, type CheckpointObserver } from './checkpointer.js';
import { DiskSync, type DiskSyncObserver } from './disk-sync.js';
import { prepareSchema } from './sqlite-schema.js';
import type { Append, CompactionResult, RoomAccess, RoomStorage, Snapshot, StoredRoom } from './storage.js';

/**
 * - `background` (default): a commit writes the write-ahead log without waiting for the
 *   disk; the log is then synced in the thread pool (fdatasync), and `synced()` waits for
 *   that. Updates are fanned out as soon as they are in the file, acknowledged once on
 *   disk. Checkpoints run in a worker thread.
 * - `each-commit`: SQLite syncs the log inside every commit (synchronous=FULL) and
 *   checkpoints inside a commit too; the event loop waits for the disk each time. Kept
 *   for comparison.
 */
export type DiskSyncMode = 'background' | 'each-commit';

export interface SqliteStorageOptions {
	dataDir: string;
	diskSync?: DiskSyncMode;
	/** Least time between two background syncs of the log (default 50 ms). */
	diskSyncIntervalMs?: number;
	/** Told of every background sync of the log. */
	diskSyncObserver?: DiskSyncObserver;
	/** Told of every checkpoint run by the worker. */
	checkpointObserver?: CheckpointObserver;
	/** Pages written to the log between two checkpoints (default 1000). */
	checkpointEveryPages?: number;
	/** Syncs the log file to disk; fdatasync unless a test holds it back or makes it fail. */
	syncFile?: (fd: number) => Promise<void>;
}

const fdatasync = promisify(fs.fdatasync);
/** SQLite's default page size, used to estimate how much a commit adds to the log. */
const PAGE_BYTES = 4096;

interface AccessRow {
	token_hash: string;
	readonly_token_hash: string | null;
}
interface UpdateRow {
	seq: number;
	data: Buffer;
}
interface SnapshotRow {
	seq_upto: number;
	data: Buffer;
	state_vector: Buffer | null;
}

export class SqliteStorage implements RoomStorage {
	readonly #db: Database.Database;
	readonly #statements;
	/** Transactions, prepared once: better-sqlite3 builds a wrapper each time transaction() is called. */
	readonly #transactions;
	/** Null when SQLite syncs inside each commit. */
	readonly #diskSync: DiskSync | null = null;
	readonly #checkpointer: Checkpointer | null = null;
	/** Per room, the last sequence number taken (see #lastSeq). */
	readonly #lastSeqs = new Map<string, number>();
	/** The write-ahead log, held open to be synced. */
	#walFd: number | null = null;

	constructor(options: SqliteStorageOptions) {
		fs.mkdirSync(options.dataDir, { recursive: true });
		const file = path.join(options.dataDir, 'relay.sqlite');
		const db = new Database(file);
		db.pragma('journal_mode = WAL');
		const background = (options.diskSync ?? 'background') === 'background';
		// NORMAL: a commit writes the log and returns; SQLite still syncs around checkpoints.
		db.pragma(`synchronous = ${background ? 'NORMAL' : 'FULL'}`);
		db.pragma('foreign_keys = ON');
		db.pragma('busy_timeout = 5000');
		prepareSchema(db);
		this.#db = db;
		if (background) {
			// The log file exists once a write has gone through it (just above). This process
			// keeps the database open until close(), so SQLite never deletes and recreates
			// it meanwhile: the descriptor stays on the live file. Its name in the directory
			// is synced once, or a power cut could lose the whole file.
			const walFd = fs.openSync(`${file}-wal`, 'r+');
			this.#walFd = walFd;
			syncDirectory(options.dataDir);
			const syncFile = options.syncFile ?? fdatasync;
			this.#diskSync = new DiskSync(() => syncFile(walFd), {
				intervalMs: options.diskSyncIntervalMs,
				observer: options.diskSyncObserver
			});
			db.pragma('wal_autocheckpoint = 0');
			const sqliteCheckpoints = () => {
				if (db.open) db.pragma('wal_autocheckpoint = 1000');
			};
			this.#checkpointer = new Checkpointer(file, sqliteCheckpoints, {
				everyPages: options.checkpointEveryPages,
				observer: options.checkpointObserver
			});
		}
		this.#statements = {
			claim: db.prepare(
				`INSERT INTO rooms (id, token_hash, readonly_token_hash, created_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT(id) DO NOTHING`
			),
			setReadonly: db.prepare(
				'UPDATE rooms SET readonly_token_hash = ? WHERE id = ? AND readonly_token_hash IS NULL'
			),
			replaceAccess: db.prepare(
				'UPDATE rooms SET token_hash = ?, readonly_token_hash = ? WHERE id = ? AND token_hash = ?'
			),
			access: db.prepare<[string], AccessRow>(
				'SELECT token_hash, readonly_token_hash FROM rooms WHERE id = ?'
			),
			snapshot: db.prepare<[string], SnapshotRow>(
				'SELECT seq_upto, data, state_vector FROM snapshots WHERE room_id = ?'
			),
			lastSeq: db.prepare<[string, string, string], { last_seq: number }>(
				`SELECT max(last_seq,
					coalesce((SELECT max(seq) FROM updates WHERE room_id = ?), 0),
					coalesce((SELECT seq_upto FROM snapshots WHERE room_id = ?), 0)) AS last_seq
				 FROM rooms WHERE id = ?`
			),
			recordLastSeq: db.prepare('UPDATE rooms SET last_seq = ? WHERE id = ? AND last_seq < ?'),
			snapshotSeq: db.prepare<[string], { seq_upto: number }>(
				'SELECT seq_upto FROM snapshots WHERE room_id = ?'
			),
			log: db.prepare<[string], UpdateRow>(
				'SELECT seq, data FROM updates WHERE room_id = ? ORDER BY seq'
			),
			insertUpdate: db.prepare(
				'INSERT INTO updates (room_id, seq, data, created_at) VALUES (?, ?, ?, ?)'
			),
			upsertSnapshot: db.prepare(
				`INSERT INTO snapshots (room_id, seq_upto, data, created_at, state_vector) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT(room_id) DO UPDATE SET seq_upto = excluded.seq_upto, data = excluded.data,
				 created_at = excluded.created_at, state_vector = excluded.state_vector`
			),
			deleteLog: db.prepare('DELETE FROM updates WHERE room_id = ? AND seq <= ?'),
			heartbeat: db.prepare(
				`INSERT INTO meta (key, value) VALUES ('heartbeat', ?)
				 ON CONFLICT(key) DO UPDATE SET value = excluded.value`
			)
		};
		const statements = this.#statements;
		this.#transactions = {
			read: db.transaction((roomId: string) => this.#read(roomId)),
			append: db.transaction((appends: readonly Append[]) => {
				const now = Date.now();
				// The counters move in the cache only once the transaction has committed.
				const last = new Map<string, number>();
				const seqs = appends.map(({ roomId, data }) => {
					// Throwing rolls back the whole transaction: none of the batch is stored.
					const seq = (last.get(roomId) ?? this.#lastSeq(roomId)) + 1;
					statements.insertUpdate.run(roomId, seq, data, now);
					last.set(roomId, seq);
					return seq;
				});
				return { seqs, last };
			}),
			snapshot: db.transaction((roomId: string, snapshot: Snapshot): CompactionResult | null => {
				const last = this.#lastSeq(roomId);
				if (snapshot.seqUpto > last) {
					throw new Error(`snapshot of room ${roomId} past its last entry (${snapshot.seqUpto} > ${last})`);
				}
				const current = statements.snapshotSeq.get(roomId)?.seq_upto ?? 0;
				if (current >= snapshot.seqUpto) return null;
				const { seqUpto, data, stateVector } = snapshot;
				statements.upsertSnapshot.run(roomId, seqUpto, data, Date.now(), stateVector);
				const deleted = statements.deleteLog.run(roomId, snapshot.seqUpto).changes;
				// Kept for readers of the file; the cache and the queries above do not need it.
				statements.recordLastSeq.run(last, roomId, last);
				return { seqUpto: snapshot.seqUpto, merged: deleted, snapshotBytes: snapshot.data.byteLength };
			})
		};
	}

	async claimRoom(roomId: string, tokenHash: string, readonlyTokenHash: string | null = null): Promise<RoomAccess> {
		if (this.#statements.claim.run(roomId, tokenHash, readonlyTokenHash, Date.now()).changes > 0) this.#wrote(1);
		return this.#access(roomId);
	}

	async roomAccess(roomId: string): Promise<RoomAccess | null> {
		const row = this.#statements.access.get(roomId);
		return row === undefined ? null : { tokenHash: row.token_hash, readonlyTokenHash: row.readonly_token_hash };
	}

	async setReadonlyToken(roomId: string, readonlyTokenHash: string): Promise<RoomAccess> {
		if (this.#statements.setReadonly.run(readonlyTokenHash, roomId).changes > 0) this.#wrote(1);
		return this.#access(roomId);
	}

	async replaceAccess(roomId: string, expectedTokenHash: string, next: RoomAccess): Promise<boolean> {
		const result = this.#statements.replaceAccess.run(next.tokenHash, next.readonlyTokenHash, roomId, expectedTokenHash);
		if (result.changes === 1) this.#wrote(1);
		return result.changes === 1;
	}

	async loadRoom(roomId: string): Promise<StoredRoom> {
		return this.#transactions.read(roomId);
	}

	async appendUpdates(appends: readonly Append[]): Promise<number[]> {
		if (appends.length === 0) return [];
		const { seqs, last } = this.#transactions.append.immediate(appends);
		let bytes = 0;
		for (const { data } of appends) bytes += data.byteLength;
		// Each room's rows go to the last page of its part of the log, large ones to more.
		this.#wrote(last.size + Math.floor(bytes / PAGE_BYTES));
		for (const [roomId, seq] of last) this.#lastSeqs.set(roomId, seq);
		return seqs;
	}

	async appendUpdate(roomId: string, data: Uint8Array): Promise<number> {
		const [seq] = await this.appendUpdates([{ roomId, data }]);
		return seq as number;
	}

	async writeSnapshot(roomId: string, snapshot: Snapshot): Promise<CompactionResult | null> {
		const result = this.#transactions.snapshot.immediate(roomId, snapshot);
		if (result !== null) this.#wrote(2 + Math.ceil(snapshot.data.byteLength / PAGE_BYTES));
		return result;
	}

	synced(): Promise<void> {
		return this.#diskSync?.synced() ?? Promise.resolve();
	}

	async isWritable(): Promise<boolean> {
		if (this.#diskSync?.failed === true) return false;
		try {
			this.#statements.heartbeat.run(String(Date.now()));
			this.#wrote(1);
			return true;
		} catch {
			return false;
		}
	}

	async close(): Promise<void> {
		if (this.#db.open) {
			// The last writes get their sync (and whoever waits for it, an answer) first.
			await this.#diskSync?.idle();
			// Its connection first: closing the last one, SQLite checkpoints and removes the log.
			await this.#checkpointer?.close();
			if (this.#db.open) this.#db.close();
		}
		if (this.#walFd !== null) {
			fs.closeSync(this.#walFd);
			this.#walFd = null;
		}
	}

	/** A commit has written about `pages` pages into the log. */
	#wrote(pages: number): void {
		this.#diskSync?.wrote();
		this.#checkpointer?.wrote(pages);
	}

	/**
	 * The last sequence number taken in a room; throws for an unclaimed room. Read from the
	 * file once per room, then counted here: this process is the file's only writer, and
	 * an append then writes nothing but its own row.
	 */
	#lastSeq(roomId: string): number {
		const cached = this.#lastSeqs.get(roomId);
		if (cached !== undefined) return cached;
		const row = this.#statements.lastSeq.get(roomId, roomId, roomId);
		if (row === undefined) throw new Error(`unknown room ${roomId}`);
		this.#lastSeqs.set(roomId, row.last_seq);
		return row.last_seq;
	}

	#access(roomId: string): RoomAccess {
		const row = this.#statements.access.get(roomId);
		if (row === undefined) throw new Error(`room ${roomId} is not claimed`);
		return { tokenHash: row.token_hash, readonlyTokenHash: row.readonly_token_hash };
	}

	#read(roomId: string): StoredRoom {
		const snapshot = this.#statements.snapshot.get(roomId);
		const updates = this.#statements.log
			.all(roomId)
			// Compaction deletes folded rows in the same transaction; filtering anyway means a
			// row can never be counted twice, whatever wrote the file.
			.filter((row) => snapshot === undefined || row.seq > snapshot.seq_upto)
			.map((row) => ({ seq: row.seq, data: new Uint8Array(row.data) }));
		return {
			snapshot:
				snapshot === undefined
					? null
					: {
							seqUpto: snapshot.seq_upto,
							data: new Uint8Array(snapshot.data),
							stateVector: snapshot.state_vector === null ? null : new Uint8Array(snapshot.state_vector)
						},
			updates
		};
	}
}

/** Syncs a directory's entries (a new file's name) to disk. */
function syncDirectory(dir: string): void {
	const fd = fs.openSync(dir, 'r');
	try {
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}
