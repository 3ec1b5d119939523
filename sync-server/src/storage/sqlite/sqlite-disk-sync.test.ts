// How the SQLite store reaches the disk: appends land in the journal at once, the sync
// to disk follows off the event loop, and synced() tells when it is done.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { openSqliteStorage } from './sqlite-open.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-disk-sync-'));
	dirs.push(dir);
	return dir;
}

/** Disk syncs that wait for the test; each call records the descriptor it was given. */
function heldSyncs() {
	const calls: Array<{ fd: number; resolve(): void; reject(error: Error): void }> = [];
	const syncFile = (fd: number) =>
		new Promise<void>((resolve, reject) => {
			calls.push({ fd, resolve, reject });
		});
	return { calls, syncFile };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** What another process reading the file would see of room r's log. */
function storedSeqs(dir: string): number[] {
	const reader = new Database(join(dir, 'relay.sqlite'), { readonly: true });
	try {
		return reader
			.prepare<[], { seq: number }>("SELECT seq FROM updates WHERE room_id = 'r' ORDER BY seq")
			.all()
			.map((row) => row.seq);
	} finally {
		reader.close();
	}
}

test('an append is in the journal when it resolves; synced() waits for the disk sync that follows', async () => {
	const dir = dataDir();
	const { calls, syncFile } = heldSyncs();
	const storage = openSqliteStorage({ dataDir: dir, syncFile, diskSyncIntervalMs: 0, foldIntervalMs: 60_000 });
	await storage.claimRoom('r', 'h');
	// The claim is a write too (to SQLite's log): its sync first.
	calls.shift()?.resolve();
	await storage.synced();
	expect(await storage.appendUpdate('r', new Uint8Array([1, 2, 3]))).toBe(1);
	// In the journal, not yet folded into SQLite's log table.
	expect(statSync(join(dir, 'journal-a')).size).toBeGreaterThan(0);
	expect(storedSeqs(dir)).toEqual([]);

	let synced = false;
	const waiting = storage.synced().then(() => (synced = true));
	await flush();
	expect(synced).toBe(false);
	// Appends go on while the disk is busy; the next sync takes them together.
	expect(await storage.appendUpdate('r', new Uint8Array([4]))).toBe(2);
	expect(calls).toHaveLength(1);
	calls[0]?.resolve();
	await waiting;
	expect(synced).toBe(true);
	expect(calls).toHaveLength(2);
	// Each sync took only the file written since the one before: the journal.
	expect(calls[1]?.fd).toBe(calls[0]?.fd);
	calls[1]?.resolve();
	// Closing folds the journal into SQLite, and waits for that to be synced too.
	const closing = storage.close();
	await vi.waitFor(() => expect(calls).toHaveLength(3));
	expect(calls[2]?.fd).not.toBe(calls[1]?.fd);
	calls[2]?.resolve();
	await closing;
	expect(storedSeqs(dir)).toEqual([1, 2]);
});

test('with the real disk sync, synced() resolves and the data is in the file after close', async () => {
	const dir = dataDir();
	const storage = openSqliteStorage({ dataDir: dir });
	await storage.claimRoom('r', 'h');
	await storage.appendUpdates([
		{ roomId: 'r', data: new Uint8Array([1]) },
		{ roomId: 'r', data: new Uint8Array([2]) }
	]);
	await storage.synced();
	await storage.close();
	expect(storedSeqs(dir)).toEqual([1, 2]);
});

test('after a failed disk sync the store refuses to vouch for anything and reports itself unwritable', async () => {
	const dir = dataDir();
	const { calls, syncFile } = heldSyncs();
	const storage = openSqliteStorage({ dataDir: dir, syncFile, diskSyncIntervalMs: 0 });
	await storage.claimRoom('r', 'h');
	calls[0]?.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
	await expect(storage.synced()).rejects.toThrow('EIO');
	expect(await storage.isWritable()).toBe(false);
	// The file still takes appends (they survive a crash of the relay), but none is vouched for.
	expect(await storage.appendUpdate('r', new Uint8Array([7]))).toBe(1);
	await expect(storage.synced()).rejects.toThrow('EIO');
	await storage.close();
});

test('syncing inside each commit needs no background sync', async () => {
	const dir = dataDir();
	const { calls, syncFile } = heldSyncs();
	const storage = openSqliteStorage({ dataDir: dir, diskSync: 'each-commit', syncFile });
	await storage.claimRoom('r', 'h');
	await storage.appendUpdate('r', new Uint8Array([1]));
	await storage.synced();
	expect(calls).toHaveLength(0);
	await storage.close();
});

test('the log goes back into the database file from the worker, and the data stays whole', async () => {
	const dir = dataDir();
	const checkpoints: Array<{ log: number; checkpointed: number }> = [];
	const storage = openSqliteStorage({
		dataDir: dir,
		checkpointEveryPages: 5,
		checkpointObserver: { checkpointed: (_seconds, result) => checkpoints.push(result), failed: () => {} }
	});
	await storage.claimRoom('r', 'h');
	const before = statSync(join(dir, 'relay.sqlite')).size;
	for (let i = 0; i < 100; i++) await storage.appendUpdate('r', new Uint8Array(512).fill(i));
	await vi.waitFor(() => expect(checkpoints.length).toBeGreaterThan(0));
	expect(checkpoints.some((c) => c.checkpointed > 0)).toBe(true);
	expect(statSync(join(dir, 'relay.sqlite')).size).toBeGreaterThan(before);
	await storage.close();
	expect(storedSeqs(dir)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
});
