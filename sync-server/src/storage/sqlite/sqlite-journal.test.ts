// The SQLite store's update journal: appends land there first and are folded into SQLite
// later; whatever a crash leaves in it is folded in on the next start, once. A crash is
// taken as a copy of the files while the store is open: what the operating system holds
// for them is what a killed relay leaves behind.
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { encodeBatch } from './journal.js';
import { type SqliteStorage } from './sqlite-storage.js';
import { openSqliteStorage } from './sqlite-open.js';
import type { SqliteStorageOptions } from './sqlite-options.js';
import { StoreWorker } from './store-worker.js';

const dirs: string[] = [];
const open: SqliteStorage[] = [];
afterEach(async () => {
	for (const storage of open.splice(0)) await storage.close();
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-journal-'));
	dirs.push(dir);
	return dir;
}

/** A store whose folds wait for a reader (or close) unless told otherwise. */
function store(dir: string, options: Partial<SqliteStorageOptions> = {}): SqliteStorage {
	const storage = openSqliteStorage({ dataDir: dir, foldIntervalMs: 60_000, ...options });
	open.push(storage);
	return storage;
}

/** The files as a relay killed now would leave them, in a new directory. */
function crashCopy(dir: string): string {
	const copy = dataDir();
	for (const name of ['relay.sqlite', 'relay.sqlite-wal', 'journal-a', 'journal-b']) {
		copyFileSync(join(dir, name), join(copy, name));
	}
	return copy;
}

const size = (dir: string, name: string) => statSync(join(dir, name)).size;
const update = (byte: number, length = 3) => new Uint8Array(length).fill(byte);

/** The log table's rows, as another process reading the file sees them. */
function tableSeqs(dir: string): number[] {
	const reader = new Database(join(dir, 'relay.sqlite'), { readonly: true });
	try {
		return reader
			.prepare<[], { seq: number }>('SELECT seq FROM updates ORDER BY room_id, seq')
			.all()
			.map((row) => row.seq);
	} finally {
		reader.close();
	}
}

async function seqs(storage: SqliteStorage, roomId = 'r'): Promise<number[]> {
	return (await storage.loadRoom(roomId)).updates.map((u) => u.seq);
}

test('updates still in the journal when the relay dies are folded in on the next start', async () => {
	const dir = dataDir();
	const before = store(dir);
	await before.claimRoom('r', 'h');
	for (let i = 1; i <= 3; i++) await before.appendUpdate('r', update(i));
	const after = store(crashCopy(dir));
	const room = await after.loadRoom('r');
	expect(room.updates).toEqual([1, 2, 3].map((i) => ({ seq: i, data: update(i) })));
	// Numbering goes on after them, and the journal starts empty.
	expect(await after.appendUpdate('r', update(4))).toBe(4);
	expect(await seqs(after)).toEqual([1, 2, 3, 4]);
});

test('an update both folded and still in the journal is stored once', async () => {
	const dir = dataDir();
	const before = store(dir);
	await before.claimRoom('r', 'h');
	await before.appendUpdate('r', update(1));
	await before.appendUpdate('r', update(2));
	expect(await seqs(before)).toEqual([1, 2]);
	await before.appendUpdate('r', update(3));
	const after = store(crashCopy(dir));
	expect(await seqs(after)).toEqual([1, 2, 3]);
});

test('a torn last batch is left out; the batches before it are recovered', async () => {
	const dir = dataDir();
	const before = store(dir);
	await before.claimRoom('r', 'h');
	await before.appendUpdate('r', update(1));
	await before.appendUpdate('r', update(2));
	const copy = crashCopy(dir);
	truncateSync(join(copy, 'journal-a'), size(copy, 'journal-a') - 2);
	const after = store(copy);
	expect(await seqs(after)).toEqual([1]);
	expect(await after.appendUpdate('r', update(9))).toBe(2);
});

test('on recovery, what a snapshot holds and rooms nobody claimed are skipped', async () => {
	const dir = dataDir();
	const before = store(dir);
	await before.claimRoom('r', 'h');
	for (let i = 1; i <= 3; i++) await before.appendUpdate('r', update(i));
	await before.writeSnapshot('r', { seqUpto: 2, data: update(12), stateVector: null });
	const copy = crashCopy(dir);
	// A room whose claim did not reach the disk before the power went.
	appendFileSync(join(copy, 'journal-b'), encodeBatch([{ roomId: 'ghost', seq: 1, data: update(5) }]));
	const after = store(copy);
	const room = await after.loadRoom('r');
	expect(room.snapshot?.seqUpto).toBe(2);
	expect(room.updates.map((u) => u.seq)).toEqual([3]);
	// Not even as rows that reading would filter out.
	expect(tableSeqs(copy)).toEqual([3]);
	expect(await after.roomAccess('ghost')).toBeNull();
	expect(size(copy, 'journal-a') + size(copy, 'journal-b')).toBe(0);
});

test('writing moves to the other file once one is full, and the full one is emptied after the sync', async () => {
	const dir = dataDir();
	const storage = store(dir, { journalSwitchBytes: 1000, diskSyncIntervalMs: 0 });
	await storage.claimRoom('r', 'h');
	for (let i = 1; i <= 5; i++) await storage.appendUpdate('r', update(i, 300));
	expect(size(dir, 'journal-a')).toBeGreaterThan(1000);
	await storage.loadRoom('r');
	await storage.synced();
	await vi.waitFor(() => expect(size(dir, 'journal-a')).toBe(0));
	await storage.appendUpdate('r', update(6, 300));
	expect(size(dir, 'journal-b')).toBeGreaterThan(0);
	const after = store(crashCopy(dir));
	expect(await seqs(after)).toEqual([1, 2, 3, 4, 5, 6]);
});

test('a fold that fails keeps the updates in the journal and the store unwritable until one succeeds', async () => {
	const dir = dataDir();
	const failures: unknown[] = [];
	const storage = store(dir, { foldObserver: { folded: () => {}, failed: (error) => failures.push(error) } });
	await storage.claimRoom('r', 'h');
	const other = new Database(join(dir, 'relay.sqlite'));
	other.exec("CREATE TRIGGER full BEFORE INSERT ON updates BEGIN SELECT RAISE(ABORT, 'disk is full'); END");
	// The append itself only needs the journal.
	expect(await storage.appendUpdate('r', update(1))).toBe(1);
	await expect(storage.loadRoom('r')).rejects.toThrow('disk is full');
	expect(failures).toHaveLength(1);
	expect(await storage.isWritable()).toBe(false);
	expect(size(dir, 'journal-a')).toBeGreaterThan(0);
	other.exec('DROP TRIGGER full');
	other.close();
	expect(await seqs(storage)).toEqual([1]);
	expect(await storage.isWritable()).toBe(true);
});

test('a clean close folds everything and leaves the journal empty', async () => {
	const dir = dataDir();
	const storage = openSqliteStorage({ dataDir: dir, foldIntervalMs: 60_000 });
	await storage.claimRoom('r', 'h');
	await storage.appendUpdate('r', update(1));
	await storage.close();
	expect(size(dir, 'journal-a') + size(dir, 'journal-b')).toBe(0);
	expect(tableSeqs(dir)).toEqual([1]);
});

test('the fold timer folds without a reader', async () => {
	const dir = dataDir();
	const storage = store(dir, { foldIntervalMs: 10 });
	await storage.claimRoom('r', 'h');
	await storage.appendUpdate('r', update(1));
	await vi.waitFor(() => expect(tableSeqs(dir)).toEqual([1]));
});

test('a store started in each-commit mode still folds in what a crash left in the journal', async () => {
	const dir = dataDir();
	const before = store(dir);
	await before.claimRoom('r', 'h');
	await before.appendUpdate('r', update(1));
	const after = store(crashCopy(dir), { diskSync: 'each-commit' });
	expect(await seqs(after)).toEqual([1]);
	expect(await after.appendUpdate('r', update(2))).toBe(2);
});

test('when the store worker dies, folds go on on the relay\'s own connection, once each', async () => {
	const dir = dataDir();
	let died!: () => void;
	const death = new Promise<void>((resolve) => (died = resolve));
	// A real worker, on a file it cannot open: it dies as it starts.
	const startStoreWorker = (_file: string, failed: (error: Error) => void) =>
		new StoreWorker(join(dir, 'missing', 'relay.sqlite'), (error) => {
			died();
			failed(error);
		});
	const storage = store(dir, { startStoreWorker });
	await storage.claimRoom('r', 'h');
	// Handed to the worker before it is known dead: the failed fold is done here instead.
	await storage.appendUpdate('r', update(1));
	expect(await seqs(storage)).toEqual([1]);
	await death;
	// Known dead: straight to this connection.
	await storage.appendUpdate('r', update(2));
	await storage.appendUpdate('r', update(3));
	expect(await seqs(storage)).toEqual([1, 2, 3]);
	expect(tableSeqs(dir)).toEqual([1, 2, 3]);
	expect(await storage.isWritable()).toBe(true);
	// And nothing is lost or doubled across a crash and a start with a working worker.
	const after = store(crashCopy(dir));
	expect(await after.appendUpdate('r', update(4))).toBe(4);
	expect((await after.loadRoom('r')).updates).toEqual([1, 2, 3, 4].map((i) => ({ seq: i, data: update(i) })));
});
