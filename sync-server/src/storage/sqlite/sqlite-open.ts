// Opening the SQLite store: the directory and the database file, the pragmas, the
// start-up check of the file and its schema, before the store is built around them.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointObserver } from './checkpointer.js';
import type { DiskSyncObserver } from './disk-sync.js';
import type { JournalDamage, JournalWrite } from './journal.js';
import type { FoldObserver } from './journal-folder.js';
import { prepareSchema } from './sqlite-schema.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { StoreWorker } from './store-worker.js';

/**
 * - `background` (default): an append is one write to the update journal, folded into
 *   SQLite's log table a little later (journal-folder.ts); other writes commit to
 *   SQLite's write-ahead log. Neither waits for the disk: the files written are synced
 *   in the thread pool (fdatasync), and `synced()` waits for that. Updates are fanned
 *   out as soon as they are in the journal, acknowledged once on disk. Checkpoints run
 *   in a worker thread.
 * - `each-commit`: an append is a SQLite transaction, which syncs the log inside every
 *   commit (synchronous=FULL) and checkpoints inside a commit too; the event loop waits
 *   for the disk each time. Kept for comparison.
 */
export type DiskSyncMode = 'background' | 'each-commit';

export interface SqliteStorageOptions {
	dataDir: string;
	diskSync?: DiskSyncMode;
	/** Least time between two background syncs (default 50 ms). */
	diskSyncIntervalMs?: number;
	/** Told of every background sync. */
	diskSyncObserver?: DiskSyncObserver;
	/** Told of every checkpoint run by the worker. */
	checkpointObserver?: CheckpointObserver;
	/** Pages written to the log between two checkpoints (default 1000)… */
	checkpointEveryPages?: number;
	/** …or longest time from a write to the checkpoint that takes it in (default 30 s). */
	checkpointEveryMs?: number;
	/** Syncs a file to disk; fdatasync unless a test holds it back or makes it fail. */
	syncFile?: (fd: number) => Promise<void>;
	/** Most time an update waits in the journal before it is folded into SQLite (default 100 ms). */
	foldIntervalMs?: number;
	/** Bytes after which writing moves to the other journal file (default 4 MiB). */
	journalSwitchBytes?: number;
	/** Writes to the journal files; fs.writeSync unless a test makes the disk fill up. */
	journalWrite?: JournalWrite;
	/** Told, at start, of each journal file holding bytes that could not be read. */
	journalDamaged?: (damage: JournalDamage) => void;
	/** Told of every fold of the journal into SQLite. */
	foldObserver?: FoldObserver;
	/** Starts the store worker on the file; a test may start one that dies. */
	startStoreWorker?: (file: string, failed: (error: Error) => void) => StoreWorker;
}

/** The database file opened and checked, before the store is built around it. */
export interface OpenedDatabase {
	db: Database.Database;
	file: string;
	background: boolean;
	integrityProblems: readonly string[];
}

/**
 * Opens the store in `options.dataDir`, creating the directory and the database if need
 * be, and folds in what a crash left in the journal.
 */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
	fs.mkdirSync(options.dataDir, { recursive: true });
	const file = path.join(options.dataDir, 'relay.sqlite');
	const db = new Database(file);
	let opened: OpenedDatabase;
	try {
		db.pragma('journal_mode = WAL');
		const background = (options.diskSync ?? 'background') === 'background';
		// NORMAL: a commit writes the log and returns; SQLite still syncs around checkpoints.
		db.pragma(`synchronous = ${background ? 'NORMAL' : 'FULL'}`);
		db.pragma('foreign_keys = ON');
		db.pragma('busy_timeout = 5000');
		const integrityProblems = checkIntegrity(db);
		prepareSchema(db);
		opened = { db, file, background, integrityProblems };
	} catch (error) {
		// A start that fails (a full disk) must not keep the file locked: the relay may
		// open it again read-only.
		if (db.open) db.close();
		throw error;
	}
	// From here on the store closes the database itself should it fail to start.
	return new SqliteStorage(opened, options);
}

/** A damaged file (a bad card, a lost log) is said at start, before anyone relies on it. */
function checkIntegrity(db: Database.Database): string[] {
	try {
		const check = db.pragma('quick_check(20)') as Array<{ quick_check: string }>;
		return check.map((row) => row.quick_check).filter((line) => line !== 'ok');
	} catch (error) {
		// Damage bad enough to stop the check itself.
		return [error instanceof Error ? error.message : String(error)];
	}
}
