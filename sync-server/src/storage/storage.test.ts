import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from './memory-storage.js';
import { type SqliteStorage } from './sqlite/sqlite-storage.js';
import { openSqliteStorage } from './sqlite/sqlite-open.js';
import { storedUpdates, type RoomStorage } from './storage.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sqlite(): SqliteStorage {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-storage-'));
	dirs.push(dir);
	return openSqliteStorage({ dataDir: join(dir, 'nested') });
}

function textUpdates(words: string[]): Uint8Array[] {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	for (const word of words) doc.getArray<string>('words').push([word]);
	return updates;
}

function wordsOf(parts: Uint8Array[]): string[] {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Y.mergeUpdates(parts));
	return doc.getArray<string>('words').toArray();
}

// One contract, two stores: the in-memory twin must behave like SQLite.
describe.each([
	['memory', (): RoomStorage => new MemoryStorage()],
	['sqlite', (): RoomStorage => sqlite()]
])('%s storage', (_name, create) => {
	test('the first token hash claims a room and stays', async () => {
		const storage = create();
		expect(await storage.claimRoom('room-a', 'aa')).toEqual({ tokenHash: 'aa', readonlyTokenHash: null, recoveryHash: null });
		expect(await storage.claimRoom('room-a', 'bb')).toEqual({ tokenHash: 'aa', readonlyTokenHash: null, recoveryHash: null });
		expect((await storage.claimRoom('room-b', 'bb')).tokenHash).toBe('bb');
		await storage.close();
	});

	test('a claim can carry a read-only hash; a later one is recorded only where none exists', async () => {
		const storage = create();
		expect(await storage.roomAccess('r')).toBeNull();
		expect(await storage.claimRoom('r', 'aa', 'ro')).toEqual({ tokenHash: 'aa', readonlyTokenHash: 'ro', recoveryHash: null });
		expect(await storage.setReadonlyToken('r', 'other')).toEqual({ tokenHash: 'aa', readonlyTokenHash: 'ro', recoveryHash: null });
		await storage.claimRoom('s', 'bb');
		expect(await storage.setReadonlyToken('s', 'ro2')).toEqual({ tokenHash: 'bb', readonlyTokenHash: 'ro2', recoveryHash: null });
		expect(await storage.roomAccess('s')).toEqual({ tokenHash: 'bb', readonlyTokenHash: 'ro2', recoveryHash: null });
		await expect(storage.setReadonlyToken('nobody', 'x')).rejects.toThrow();
		await storage.close();
	});

	test('access is replaced only by the holder of the current member hash', async () => {
		const storage = create();
		await storage.claimRoom('r', 'aa', 'ro');
		expect(await storage.replaceAccess('r', 'wrong', { tokenHash: 'bb', readonlyTokenHash: null })).toBe(false);
		expect(await storage.replaceAccess('r', 'aa', { tokenHash: 'bb', readonlyTokenHash: null })).toBe(true);
		expect(await storage.roomAccess('r')).toEqual({ tokenHash: 'bb', readonlyTokenHash: null, recoveryHash: null });
		// The second of two racing rotations from the same old token loses.
		expect(await storage.replaceAccess('r', 'aa', { tokenHash: 'cc', readonlyTokenHash: 'x' })).toBe(false);
		expect(await storage.replaceAccess('nobody', 'aa', { tokenHash: 'cc', readonlyTokenHash: null })).toBe(false);
		await storage.close();
	});

	test('a recovery hash is set by the claim and kept through a rotation', async () => {
		const storage = create();
		await storage.claimRoom('r', 'aa', 'ro', 'rec');
		expect(await storage.replaceAccess('r', 'aa', { tokenHash: 'bb', readonlyTokenHash: 'ro2' })).toBe(true);
		expect(await storage.roomAccess('r')).toEqual({ tokenHash: 'bb', readonlyTokenHash: 'ro2', recoveryHash: 'rec' });
		await storage.close();
	});

	test('rooms claimed long ago that never stored anything are deleted, others kept', async () => {
		const storage = create();
		for (const room of ['empty', 'written', 'loaded', 'compacted']) await storage.claimRoom(room, 'h');
		const [update] = textUpdates(['a']);
		await storage.appendUpdate('written', update!);
		await storage.appendUpdate('compacted', update!);
		await storage.writeSnapshot('compacted', { seqUpto: 1, data: update!, stateVector: null });
		// Claimed now: not old enough.
		expect(await storage.deleteUnusedRooms(Date.now() - 60_000, () => false)).toEqual([]);
		const later = Date.now() + 1000;
		expect(await storage.deleteUnusedRooms(later, (room) => room === 'loaded')).toEqual(['empty']);
		expect(await storage.roomAccess('empty')).toBeNull();
		for (const room of ['written', 'loaded', 'compacted']) expect(await storage.roomAccess(room)).not.toBeNull();
		expect(storedUpdates(await storage.loadRoom('written'))).toHaveLength(1);
		await storage.close();
	});

	test('a batch of appends to several rooms is stored in order, each room numbered on its own', async () => {
		const storage = create();
		await storage.claimRoom('r', 'h');
		await storage.claimRoom('s', 'h');
		const updates = textUpdates(['a', 'b', 'c', 'd']);
		const seqs = await storage.appendUpdates([
			{ roomId: 'r', data: updates[0]! },
			{ roomId: 's', data: updates[1]! },
			{ roomId: 'r', data: updates[2]! },
			{ roomId: 's', data: updates[3]! }
		]);
		expect(seqs).toEqual([1, 1, 2, 2]);
		expect(await storage.appendUpdates([])).toEqual([]);
		expect((await storage.loadRoom('r')).updates).toEqual([
			{ seq: 1, data: updates[0] },
			{ seq: 2, data: updates[2] }
		]);
		expect((await storage.loadRoom('s')).updates.map((u) => u.seq)).toEqual([1, 2]);
		await storage.close();
	});

	test('a batch is all or nothing: one append to an unclaimed room stores none of it', async () => {
		const storage = create();
		await storage.claimRoom('r', 'h');
		const updates = textUpdates(['a', 'b']);
		await expect(
			storage.appendUpdates([
				{ roomId: 'r', data: updates[0]! },
				{ roomId: 'nobody', data: updates[1]! }
			])
		).rejects.toThrow();
		expect((await storage.loadRoom('r')).updates).toEqual([]);
		// Numbering did not move either.
		expect(await storage.appendUpdate('r', updates[0]!)).toBe(1);
		await storage.close();
	});

	test('a snapshot replaces the log entries it covers; a later one never goes back', async () => {
		const storage = create();
		await storage.claimRoom('r', 'h');
		const updates = textUpdates(['a', 'b', 'c', 'd', 'e']);
		for (const update of updates.slice(0, 4)) await storage.appendUpdate('r', update);
		const upTo3 = Y.mergeUpdates(updates.slice(0, 3));
		const sv = new Uint8Array([1, 2, 3]);
		expect(await storage.writeSnapshot('r', { seqUpto: 3, data: upTo3, stateVector: sv })).toEqual({
			seqUpto: 3,
			merged: 3,
			snapshotBytes: upTo3.byteLength
		});
		// An older or equal snapshot (another instance of the room was behind) changes nothing.
		expect(await storage.writeSnapshot('r', { seqUpto: 2, data: updates[0]!, stateVector: null })).toBeNull();
		expect(await storage.writeSnapshot('r', { seqUpto: 3, data: updates[0]!, stateVector: null })).toBeNull();
		const loaded = await storage.loadRoom('r');
		expect(loaded.snapshot).toEqual({ seqUpto: 3, data: upTo3, stateVector: sv });
		expect(loaded.updates.map((u) => u.seq)).toEqual([4]);
		expect(wordsOf(storedUpdates(loaded))).toEqual(['a', 'b', 'c', 'd']);
		// Numbering goes on after it.
		expect(await storage.appendUpdate('r', updates[4]!)).toBe(5);
		// A snapshot cannot claim entries that do not exist, nor a room nobody claimed.
		await expect(storage.writeSnapshot('r', { seqUpto: 6, data: upTo3, stateVector: null })).rejects.toThrow();
		await expect(storage.writeSnapshot('nobody', { seqUpto: 1, data: upTo3, stateVector: null })).rejects.toThrow();
		const all = Y.mergeUpdates(updates);
		const folded = await storage.writeSnapshot('r', { seqUpto: 5, data: all, stateVector: null });
		expect(folded).toMatchObject({ merged: 2 });
		const again = await storage.loadRoom('r');
		expect(again.updates).toEqual([]);
		expect(again.snapshot?.stateVector).toBeNull();
		expect(wordsOf(storedUpdates(again))).toEqual(['a', 'b', 'c', 'd', 'e']);
		await storage.close();
	});

	test('appends get increasing sequence numbers per room and load back in order', async () => {
		const storage = create();
		await storage.claimRoom('r', 'h');
		await storage.claimRoom('s', 'h');
		const updates = textUpdates(['a', 'b', 'c']);
		const seqs = [];
		for (const update of updates) seqs.push(await storage.appendUpdate('r', update));
		expect(seqs).toEqual([1, 2, 3]);
		expect(await storage.appendUpdate('s', updates[0]!)).toBe(1);
		const loaded = await storage.loadRoom('r');
		expect(loaded.snapshot).toBeNull();
		expect(loaded.updates.map((u) => u.seq)).toEqual([1, 2, 3]);
		expect(loaded.updates.map((u) => u.data)).toEqual(updates);
		expect(await storage.loadRoom('unknown')).toEqual({ snapshot: null, updates: [] });
		await storage.close();
	});

	test('an append to an unclaimed room fails instead of creating it', async () => {
		const storage = create();
		await expect(storage.appendUpdate('nobody', new Uint8Array([0, 0]))).rejects.toThrow();
		await storage.close();
	});

	test('a batch that fails takes no sequence number', async () => {
		const storage = create();
		await storage.claimRoom('r', 'h');
		const [update] = textUpdates(['x']);
		await expect(
			storage.appendUpdates([
				{ roomId: 'r', data: update! },
				{ roomId: 'nobody', data: update! }
			])
		).rejects.toThrow();
		expect(await storage.appendUpdate('r', update!)).toBe(1);
		expect((await storage.loadRoom('r')).updates.map((u) => u.seq)).toEqual([1]);
		await storage.close();
	});

	test('reports itself writable until closed', async () => {
		const storage = create();
		expect(await storage.isWritable()).toBe(true);
		await storage.close();
		expect(await storage.isWritable()).toBe(false);
	});
});

test('SQLite data outlives the process that wrote it', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-storage-'));
	dirs.push(dir);
	const first = openSqliteStorage({ dataDir: dir });
	await first.claimRoom('r', 'h');
	for (const update of textUpdates(['x', 'y'])) await first.appendUpdate('r', update);
	await first.close();
	const second = openSqliteStorage({ dataDir: dir });
	expect((await second.claimRoom('r', 'other')).tokenHash).toBe('h');
	expect(wordsOf(storedUpdates(await second.loadRoom('r')))).toEqual(['x', 'y']);
	await second.close();
});

test('after a restart, numbering goes on past the snapshot even when it folded the whole log', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-storage-'));
	dirs.push(dir);
	const updates = textUpdates(['a', 'b', 'c']);
	const first = openSqliteStorage({ dataDir: dir });
	await first.claimRoom('r', 'h');
	await first.appendUpdates(updates.slice(0, 2).map((data) => ({ roomId: 'r', data })));
	await first.writeSnapshot('r', { seqUpto: 2, data: Y.mergeUpdates(updates.slice(0, 2)), stateVector: null });
	await first.close();
	const second = openSqliteStorage({ dataDir: dir });
	expect(await second.appendUpdate('r', updates[2]!)).toBe(3);
	expect(wordsOf(storedUpdates(await second.loadRoom('r')))).toEqual(['a', 'b', 'c']);
	await second.close();
});

test('a SQLite file of the first schema is brought up to date, its snapshots kept', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-storage-'));
	dirs.push(dir);
	const updates = textUpdates(['old', 'new']);
	const old = new Database(join(dir, 'relay.sqlite'));
	old.exec(`
		CREATE TABLE rooms (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, readonly_token_hash TEXT,
			last_seq INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
		CREATE TABLE updates (room_id TEXT NOT NULL REFERENCES rooms(id), seq INTEGER NOT NULL, data BLOB NOT NULL,
			created_at INTEGER NOT NULL, PRIMARY KEY (room_id, seq));
		CREATE TABLE snapshots (room_id TEXT PRIMARY KEY REFERENCES rooms(id), seq_upto INTEGER NOT NULL,
			data BLOB NOT NULL, created_at INTEGER NOT NULL);
		CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
		PRAGMA user_version = 1;
	`);
	old.prepare("INSERT INTO rooms VALUES ('r', 'h', NULL, 2, 0)").run();
	old.prepare("INSERT INTO snapshots VALUES ('r', 1, ?, 0)").run(updates[0]!);
	old.prepare("INSERT INTO updates VALUES ('r', 2, ?, 0)").run(updates[1]!);
	old.close();

	const storage = openSqliteStorage({ dataDir: dir });
	const loaded = await storage.loadRoom('r');
	expect(loaded.snapshot).toEqual({ seqUpto: 1, data: updates[0], stateVector: null });
	expect(wordsOf(storedUpdates(loaded))).toEqual(['old', 'new']);
	expect(await storage.appendUpdate('r', updates[1]!)).toBe(3);
	// Claimed before recovery existed: no recovery hash.
	expect(await storage.roomAccess('r')).toEqual({ tokenHash: 'h', readonlyTokenHash: null, recoveryHash: null });
	await storage.close();
	const file = new Database(join(dir, 'relay.sqlite'), { readonly: true });
	const table = file.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'updates'").get();
	expect(table?.sql).toMatch(/WITHOUT ROWID/);
	expect(file.pragma('user_version', { simple: true })).toBe(4);
	file.close();
});
