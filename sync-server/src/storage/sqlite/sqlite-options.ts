// What the SQLite store is opened with, and what opening hands to the store: the terms
// that the opener (sqlite-open.ts) and the store (sqlite-storage.ts) share.
import type Database from 'better-sqlite3';
import type { CheckpointObserver } from './checkpointer.js';
import type { DiskSyncObserver } from './disk-sync.js';
import type { JournalDamage, JournalWrite } from './journal.js';
import type { FoldObserver } from './journal-folder.js';
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
