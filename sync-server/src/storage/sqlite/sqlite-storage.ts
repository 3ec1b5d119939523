// The default store: one SQLite file in the data directory, written through
// better-sqlite3, and (in the background mode) the update journal beside it. Writes are
// synchronous, so when appendUpdates resolves the updates are in a file (they survive a
// crash of the relay), and a room loads before any other message of the event loop runs.
// How they reach the disk itself depends on `diskSync`.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';
import { StoreWorker } from './store-worker.js';
import { DiskSync } from './disk-sync.js';
import { Journal, type JournalDamage, type JournalRecord } from './journal.js';
import { JournalFolder } from './journal-folder.js';
import type { OpenedDatabase, SqliteStorageOptions } from './sqlite-options.js';
import { prepareStatements, type AccessRow } from './sqlite-statements.js';
import type { Append, CompactionResult, RoomAccess, RoomStorage, Snapshot, StoredRoom, TokenHashes } from '../storage.js';

const fdatasync = promisify(fs.fdatasync);
/** SQLite's default page size, used to estimate how much a commit adds to the log. */
const PAGE_BYTES = 4096;

export class SqliteStorage implements RoomStorage {
	readonly #db: Database.Database;
	readonly #statements;
	/** Transactions, prepared once: better-sqlite3 builds a wrapper each time transaction() is called. */
	readonly #transactions;
	/** Null when SQLite syncs inside each commit. */
	readonly #diskSync: DiskSync | null = null;
	readonly #checkpointer: Checkpointer | null = null;
	/** Folds and checkpoints, on a second connection (see store-worker.ts). */
	readonly #worker: StoreWorker | null = null;
	/** Per room, the last sequence number taken (see #lastSeq). */
	readonly #lastSeqs = new Map<string, number>();
	/** The write-ahead log, held open to be synced. */
	#walFd: number | null = null;
	/** Where appends land first, in the background mode (see journal.ts). */
	readonly #journal: Journal | null = null;
	readonly #folder: JournalFolder | null = null;
	/** Descriptors written since their last sync. */
	readonly #dirty = new Set<number>();
	/** What `PRAGMA quick_check` reported at start, if not "ok". */
	readonly integrityProblems: readonly string[];

	/** Use openSqliteStorage(), which opens the database this store is built around. */
	constructor(opened: OpenedDatabase, options: SqliteStorageOptions) {
		const { db, file, background } = opened;
		this.integrityProblems = opened.integrityProblems;
		this.#db = db;
		try {
			if (background) {
				// The log file exists once a write has gone through it (the schema's, on opening). This process
				// keeps the database open until close(), so SQLite never deletes and recreates
				// it meanwhile: the descriptor stays on the live file. Its name in the directory
				// is synced once, with the journal's, or a power cut could lose the whole file.
				this.#walFd = fs.openSync(`${file}-wal`, 'r+');
				this.#journal = new Journal(options.dataDir, options.journalSwitchBytes, options.journalWrite);
				syncDirectory(options.dataDir);
				const syncFile = options.syncFile ?? fdatasync;
				const diskSync = new DiskSync(() => this.#syncDirty(syncFile), {
					intervalMs: options.diskSyncIntervalMs,
					observer: options.diskSyncObserver
				});
				this.#diskSync = diskSync;
				db.pragma('wal_autocheckpoint = 0');
				const startWorker = options.startStoreWorker ?? ((at, failed) => new StoreWorker(at, failed));
				const worker = startWorker(file, (error) => this.#checkpointer?.workerFailed(error));
				this.#worker = worker;
				this.#checkpointer = new Checkpointer(worker, () => db.open && db.pragma('wal_autocheckpoint = 1000'), {
					everyPages: options.checkpointEveryPages,
					everyMs: options.checkpointEveryMs,
					observer: options.checkpointObserver
				});
				this.#folder = new JournalFolder(
					this.#journal,
					{ insert: (records) => this.#insertFolded(worker, records), synced: () => diskSync.synced() },
					{ intervalMs: options.foldIntervalMs, observer: options.foldObserver }
				);
			}
			this.#statements = prepareStatements(db);
			this.#transactions = this.#prepareTransactions(db, this.#statements);
			this.#recoverJournal(options.dataDir, options.journalDamaged);
		} catch (error) {
			// A start that fails (a full disk) must not keep the file locked: the relay may
			// open it again read-only.
			if (db.open) db.close();
			this.#worker?.close().catch(() => {});
			this.#journal?.close();
			if (this.#walFd !== null) fs.closeSync(this.#walFd);
			throw error;
		}
	}

	/**
	 * What a crash left in the journal goes in first, in either mode (the last run may
	 * have used the other); in each-commit mode the commit itself reaches the disk.
	 */
	#recoverJournal(dataDir: string, damaged: ((damage: JournalDamage) => void) | undefined): void {
		const journal = this.#journal ?? new Journal(dataDir);
		const walFd = this.#walFd;
		journal.recover(
			(records) => {
				this.#transactions.recover.immediate(records);
				if (walFd !== null) fs.fdatasyncSync(walFd);
			},
			damaged
		);
		if (journal !== this.#journal) journal.close();
	}

	/** Transactions, prepared once: better-sqlite3 builds a wrapper each time transaction() is called. */
	#prepareTransactions(db: Database.Database, statements: ReturnType<typeof prepareStatements>) {
		return {
			read: db.transaction((roomId: string) => this.#read(roomId)),
			// After a crash (or the store worker's): a record already folded, of a room whose
			// claim did not reach the disk, or already in a snapshot, is skipped.
			recover: db.transaction((records: readonly JournalRecord[]) => {
				const now = Date.now();
				for (const { roomId, seq, data } of records) statements.recoverUpdate.run(seq, data, now, roomId, seq);
			}),
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
			deleteUnused: db.transaction((createdBefore: number, keep: (roomId: string) => boolean): string[] => {
				const deleted: string[] = [];
				for (const { id } of statements.unusedRooms.all(createdBefore)) {
					// An append still in the journal has taken a sequence number here already.
					if (keep(id) || (this.#lastSeqs.get(id) ?? 0) > 0) continue;
					if (statements.deleteUnusedRoom.run(id).changes === 0) continue;
					this.#lastSeqs.delete(id);
					deleted.push(id);
				}
				return deleted;
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

	async claimRoom(
		roomId: string,
		tokenHash: string,
		readonlyTokenHash: string | null = null,
		recoveryHash: string | null = null
	): Promise<RoomAccess> {
		const claimed = this.#statements.claim.run(roomId, tokenHash, readonlyTokenHash, recoveryHash, Date.now());
		if (claimed.changes > 0) this.#wrote(1);
		return this.#access(roomId);
	}

	async roomAccess(roomId: string): Promise<RoomAccess | null> {
		const row = this.#statements.access.get(roomId);
		return row === undefined ? null : accessOf(row);
	}

	async deleteUnusedRooms(createdBefore: number, keep: (roomId: string) => boolean): Promise<string[]> {
		// Whatever waits in the journal is in the log first, so that a room written a moment
		// ago is seen as written.
		await this.#folder?.settled();
		const deleted = this.#transactions.deleteUnused.immediate(createdBefore, keep);
		if (deleted.length > 0) this.#wrote(1 + Math.floor(deleted.length / 50));
		return deleted;
	}

	async setReadonlyToken(roomId: string, readonlyTokenHash: string): Promise<RoomAccess> {
		if (this.#statements.setReadonly.run(readonlyTokenHash, roomId).changes > 0) this.#wrote(1);
		return this.#access(roomId);
	}

	async replaceAccess(roomId: string, expectedTokenHash: string, next: TokenHashes): Promise<boolean> {
		const result = this.#statements.replaceAccess.run(next.tokenHash, next.readonlyTokenHash, roomId, expectedTokenHash);
		if (result.changes === 1) this.#wrote(1);
		return result.changes === 1;
	}

	async loadRoom(roomId: string): Promise<StoredRoom> {
		await this.#folder?.settled();
		return this.#transactions.read(roomId);
	}

	async appendUpdates(appends: readonly Append[]): Promise<number[]> {
		if (appends.length === 0) return [];
		if (this.#folder !== null) return this.#appendToJournal(this.#folder, appends);
		const { seqs, last } = this.#transactions.append.immediate(appends);
		this.#wrote(logPages(appends));
		for (const [roomId, seq] of last) this.#lastSeqs.set(roomId, seq);
		return seqs;
	}

	async appendUpdate(roomId: string, data: Uint8Array): Promise<number> {
		const [seq] = await this.appendUpdates([{ roomId, data }]);
		return seq as number;
	}

	async writeSnapshot(roomId: string, snapshot: Snapshot): Promise<CompactionResult | null> {
		// The log rows it replaces must be there to be deleted.
		await this.#folder?.settled();
		const result = this.#transactions.snapshot.immediate(roomId, snapshot);
		if (result !== null) this.#wrote(2 + Math.ceil(snapshot.data.byteLength / PAGE_BYTES));
		return result;
	}

	synced(): Promise<void> {
		return this.#diskSync?.synced() ?? Promise.resolve();
	}

	async isWritable(): Promise<boolean> {
		if (this.#diskSync?.failed === true || this.#folder?.failed === true) return false;
		try {
			this.#statements.heartbeat.run(String(Date.now()));
			this.#wrote(1);
			return true;
		} catch {
			return false;
		}
	}

	async close(): Promise<void> {
		let folded = false;
		if (this.#db.open) {
			// What cannot be folded stays in the journal, for the next start.
			folded = (await this.#folder?.close()) ?? true;
			// The last writes get their sync (and whoever waits for it, an answer) first.
			await this.#diskSync?.idle();
			// Its connection first: closing the last one, SQLite checkpoints and removes the log.
			await this.#worker?.close();
			if (this.#db.open) this.#db.close();
		}
		if (this.#journal !== null) {
			// Folded and checkpointed into the database, which SQLite synced: the next start
			// has nothing to recover.
			if (folded) this.#journal.clear();
			this.#journal.close();
		}
		if (this.#walFd !== null) {
			fs.closeSync(this.#walFd);
			this.#walFd = null;
		}
	}

	/**
	 * Background mode: the appends go to the journal, in one write, and are folded into
	 * SQLite a little later. Sequence numbers are taken as in a commit.
	 */
	#appendToJournal(folder: JournalFolder, appends: readonly Append[]): number[] {
		const last = new Map<string, number>();
		const records = appends.map(({ roomId, data }): JournalRecord => {
			// Throws for an unclaimed room before anything is written.
			const seq = (last.get(roomId) ?? this.#lastSeq(roomId)) + 1;
			last.set(roomId, seq);
			return { roomId, seq, data };
		});
		const file = folder.append(records);
		if (this.#journal !== null) this.#dirty.add(this.#journal.fd(file));
		for (const [roomId, seq] of last) this.#lastSeqs.set(roomId, seq);
		this.#diskSync?.wrote();
		return records.map((record) => record.seq);
	}

	/** Folds in the worker; should it be gone, on this connection. */
	async #insertFolded(worker: StoreWorker, records: readonly JournalRecord[]): Promise<void> {
		if (worker.dead) this.#transactions.recover.immediate(records);
		else {
			try {
				await worker.fold(records);
			} catch (error) {
				if (!worker.dead) throw error;
				// It may have died after its commit: what is already there is skipped.
				this.#transactions.recover.immediate(records);
			}
		}
		this.#wrote(logPages(records));
	}

	/** Syncs every file written since its last sync, together. */
	#syncDirty(syncFile: (fd: number) => Promise<void>): Promise<void> {
		const fds = [...this.#dirty];
		this.#dirty.clear();
		return Promise.all(fds.map((fd) => syncFile(fd))).then(() => {});
	}

	/** A commit has written about `pages` pages into the log. */
	#wrote(pages: number): void {
		if (this.#walFd !== null) this.#dirty.add(this.#walFd);
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
		return accessOf(row);
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

function accessOf(row: AccessRow): RoomAccess {
	return { tokenHash: row.token_hash, readonlyTokenHash: row.readonly_token_hash, recoveryHash: row.recovery_hash };
}

/**
 * About how many pages rows appended to the log take: each room's rows go to the last
 * page of its part of the log, large ones to more.
 */
function logPages(rows: readonly Append[]): number {
	let bytes = 0;
	const rooms = new Set<string>();
	for (const { roomId, data } of rows) {
		bytes += data.byteLength;
		rooms.add(roomId);
	}
	return rooms.size + Math.floor(bytes / PAGE_BYTES);
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
