// Opening the SQLite store: the directory and the database file, the pragmas, the
// start-up check of the file and its schema, before the store is built around them.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { OpenedDatabase, SqliteStorageOptions } from './sqlite-options.js';
import { prepareSchema } from './sqlite-schema.js';
import { SqliteStorage } from './sqlite-storage.js';

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
