// The store worker: folds and checkpoints on its own connection, and a worker that cannot
// run tells its owner once and refuses work from then on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { prepareSchema } from './sqlite-schema.js';
import { StoreWorker } from './store-worker.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database(): { file: string; db: Database.Database } {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-store-worker-'));
	dirs.push(dir);
	const file = join(dir, 'relay.sqlite');
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	prepareSchema(db);
	db.prepare("INSERT INTO rooms (id, token_hash, created_at) VALUES ('r', 'h', 0), ('s', 'h', 0)").run();
	return { file, db };
}

test('a fold inserts every record, data intact, in one go; a checkpoint then empties the log', async () => {
	const { file, db } = database();
	const worker = new StoreWorker(file, () => {});
	const records = [
		{ roomId: 'r', seq: 1, data: new Uint8Array([1, 2, 3]) },
		{ roomId: 's', seq: 1, data: new Uint8Array(0) },
		// A view into a larger buffer: only its own bytes are stored.
		{ roomId: 'r', seq: 2, data: new Uint8Array([9, 9, 4, 5, 9]).subarray(2, 4) }
	];
	await worker.fold(records);
	const rows = db.prepare<[], { room_id: string; seq: number; data: Buffer }>(
		'SELECT room_id, seq, data FROM updates ORDER BY room_id, seq'
	).all();
	expect(rows.map((row) => [row.room_id, row.seq, [...row.data]])).toEqual([
		['r', 1, [1, 2, 3]],
		['r', 2, [4, 5]],
		['s', 1, []]
	]);
	const result = await worker.checkpoint();
	expect(result.busy).toBe(0);
	expect(result.checkpointed).toBe(result.log);
	await worker.close();
	db.close();
});

test('a fold that breaks a rule stores none of its records', async () => {
	const { file, db } = database();
	const worker = new StoreWorker(file, () => {});
	await worker.fold([{ roomId: 'r', seq: 1, data: new Uint8Array([1]) }]);
	await expect(
		worker.fold([
			{ roomId: 'r', seq: 2, data: new Uint8Array([2]) },
			{ roomId: 'r', seq: 1, data: new Uint8Array([3]) }
		])
	).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
	expect(db.prepare('SELECT seq FROM updates').all()).toEqual([{ seq: 1 }]);
	// One failed task does not stop the worker.
	expect(worker.dead).toBe(false);
	await worker.fold([{ roomId: 'r', seq: 2, data: new Uint8Array([2]) }]);
	await worker.close();
	db.close();
});

test('a worker that cannot open the file is dead: its owner hears of it once, and tasks are refused', async () => {
	const failures: Error[] = [];
	const worker = new StoreWorker(join(tmpdir(), 'passerelle-no-such-dir', 'relay.sqlite'), (error) => failures.push(error));
	await vi.waitFor(() => expect(worker.dead).toBe(true));
	expect(failures).toHaveLength(1);
	await expect(worker.fold([{ roomId: 'r', seq: 1, data: new Uint8Array([1]) }])).rejects.toThrow();
	await expect(worker.checkpoint()).rejects.toThrow();
	await worker.close();
});
