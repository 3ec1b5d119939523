// When a room's log is folded into a snapshot: past the entry threshold, a room with a big
// snapshot waits until its log weighs a quarter of it.
import { expect, test } from 'vitest';
import { Compactor, type CompactionContext } from './compactor.js';
import { silentLogger } from './logger.js';
import { MemoryStorage } from './memory-storage.js';
import { RelayMetrics } from './metrics.js';
import { SerialQueue } from './serial-queue.js';

async function setup(snapshotBytes: number) {
	const storage = new MemoryStorage();
	await storage.claimRoom('r', 'h');
	const context: CompactionContext = {
		storage,
		metrics: new RelayMetrics({ rooms: () => 0, connections: () => 0 }),
		logger: silentLogger,
		compactAfterUpdates: 5,
		compactAfterBytes: 1_000_000,
		compactQuietMs: 0,
		compactMaxWaitMs: 0,
		compactions: new SerialQueue()
	};
	let seq = 0;
	const snapshots: number[] = [];
	const compactor = new Compactor('r', context, async () => {
		snapshots.push(seq);
		return { seqUpto: seq, data: new Uint8Array([0, 0]), stateVector: null };
	});
	compactor.loaded(0, 0, snapshotBytes);
	const append = async (bytes: number) => {
		seq = await storage.appendUpdate('r', new Uint8Array(bytes));
		compactor.appended(bytes);
	};
	const settle = async () => {
		await new Promise((resolve) => setTimeout(resolve, 20));
		await compactor.idle();
	};
	return { append, settle, snapshots };
}

test('a small room is compacted once its log passes the entry threshold', async () => {
	const { append, settle, snapshots } = await setup(100);
	for (let i = 0; i < 5; i++) await append(10);
	await settle();
	expect(snapshots).toEqual([5]);
});

test('a room with a big snapshot waits until its log weighs a quarter of it', async () => {
	const { append, settle, snapshots } = await setup(40_000);
	for (let i = 0; i < 50; i++) await append(10);
	await settle();
	// Ten times the entry threshold, 500 bytes of log: rewriting 40 kB for it waits.
	expect(snapshots).toEqual([]);
	await append(9_500);
	await settle();
	expect(snapshots).toEqual([51]);
});
