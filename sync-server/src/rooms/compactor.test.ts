// When a room's log is folded into a snapshot: past the entry threshold, a room with a big
// snapshot waits until its log weighs a quarter of it; a room leaving memory folds a log
// of some length or weight, and leaves a short, light one as it is.
import { expect, test } from 'vitest';
import { Compactor, type CompactionContext } from './compactor.js';
import { silentLogger } from '../logger.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { RelayMetrics } from '../metrics.js';
import { SerialQueue } from './serial-queue.js';

async function setup(snapshotBytes: number, compactAfterUpdates = 5) {
	const storage = new MemoryStorage();
	await storage.claimRoom('r', 'h');
	const context: CompactionContext = {
		storage,
		metrics: new RelayMetrics({ rooms: () => 0, connections: () => 0 }),
		logger: silentLogger,
		compactAfterUpdates,
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
	return { append, settle, snapshots, compactor };
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

test('a room leaving memory folds a log of 100 entries or 1 MiB, and leaves a shorter, lighter one', async () => {
	const short = await setup(100, 500);
	for (let i = 0; i < 99; i++) await short.append(10);
	await short.compactor.beforeUnload();
	expect(short.snapshots).toEqual([]);

	const long = await setup(100, 500);
	for (let i = 0; i < 100; i++) await long.append(10);
	await long.compactor.beforeUnload();
	expect(long.snapshots).toEqual([100]);

	const heavy = await setup(100, 500);
	for (let i = 0; i < 2; i++) await heavy.append(512 * 1024);
	await heavy.compactor.beforeUnload();
	expect(heavy.snapshots).toEqual([2]);
});
