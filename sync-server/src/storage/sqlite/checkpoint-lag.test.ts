// The database file is never far behind its write-ahead log: on a quiet relay too, what
// was written reaches the file within the checkpoint interval, so that a lost log (a
// card that kept the file and not the log) does not make claimed rooms claimable again.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { type SqliteStorage } from './sqlite-storage.js';
import { openSqliteStorage } from './sqlite-open.js';

const dirs: string[] = [];
const open: SqliteStorage[] = [];
afterEach(async () => {
	for (const storage of open.splice(0)) await storage.close();
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-checkpoint-'));
	dirs.push(dir);
	return dir;
}

/** Whether the database file alone, without its log, knows the room. */
function fileAloneKnows(dir: string, roomId: string): boolean {
	const copy = dataDir();
	copyFileSync(join(dir, 'relay.sqlite'), join(copy, 'relay.sqlite'));
	const db = new Database(join(copy, 'relay.sqlite'), { readonly: true });
	try {
		// A file whose tables are still in the log alone has none.
		const tables = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'rooms'").get();
		return tables !== undefined && db.prepare('SELECT 1 FROM rooms WHERE id = ?').get(roomId) !== undefined;
	} finally {
		db.close();
	}
}

test('a claim on a quiet relay reaches the database file itself within the checkpoint interval', async () => {
	const dir = dataDir();
	const storage = openSqliteStorage({ dataDir: dir, checkpointEveryMs: 200 });
	open.push(storage);
	await storage.claimRoom('salle-des-machines', 'hash');
	await storage.synced();
	expect(fileAloneKnows(dir, 'salle-des-machines')).toBe(false);
	await vi.waitFor(() => expect(fileAloneKnows(dir, 'salle-des-machines')).toBe(true), { timeout: 5000, interval: 50 });
});
