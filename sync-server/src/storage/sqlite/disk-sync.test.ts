import { describe, expect, test } from 'vitest';
import { DiskSync } from './disk-sync.js';

/** A sync function whose calls stay pending until the test ends them. */
function heldSyncs() {
	const calls: Array<{ resolve(): void; reject(error: Error): void }> = [];
	const syncFile = () =>
		new Promise<void>((resolve, reject) => {
			calls.push({ resolve, reject });
		});
	return { calls, syncFile };
}

/** Lets promise callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

function watch(promise: Promise<void>) {
	const state = { settled: false as false | 'resolved' | 'rejected' };
	promise.then(
		() => (state.settled = 'resolved'),
		() => (state.settled = 'rejected')
	);
	return state;
}

describe('DiskSync', () => {
	test('with nothing written, synced() resolves without touching the disk', async () => {
		const { calls, syncFile } = heldSyncs();
		const disk = new DiskSync(syncFile, { intervalMs: 0 });
		await disk.synced();
		expect(calls).toHaveLength(0);
	});

	test('a write starts a sync at once, and synced() waits for it', async () => {
		const { calls, syncFile } = heldSyncs();
		const disk = new DiskSync(syncFile, { intervalMs: 0 });
		disk.wrote();
		expect(calls).toHaveLength(1);
		const waiting = watch(disk.synced());
		await flush();
		expect(waiting.settled).toBe(false);
		calls[0]?.resolve();
		await flush();
		expect(waiting.settled).toBe('resolved');
	});

	test('writes made during a sync wait for the next one, which covers them all', async () => {
		const synced: number[] = [];
		const { calls, syncFile } = heldSyncs();
		const disk = new DiskSync(syncFile, {
			intervalMs: 0,
			observer: { synced: (_seconds, writes) => synced.push(writes), failed: () => {} }
		});
		disk.wrote();
		const first = watch(disk.synced());
		disk.wrote();
		disk.wrote();
		const later = watch(disk.synced());
		// One sync in flight at a time, however many writes come.
		expect(calls).toHaveLength(1);
		calls[0]?.resolve();
		await flush();
		expect(first.settled).toBe('resolved');
		expect(later.settled).toBe(false);
		expect(calls).toHaveLength(2);
		calls[1]?.resolve();
		await flush();
		expect(later.settled).toBe('resolved');
		expect(synced).toEqual([1, 3]);
		await disk.idle();
		expect(calls).toHaveLength(2);
	});

	test('a failed sync refuses every wait from then on, even after a sync that would succeed', async () => {
		const failures: unknown[] = [];
		const { calls, syncFile } = heldSyncs();
		const disk = new DiskSync(syncFile, {
			intervalMs: 0,
			observer: { synced: () => {}, failed: (error) => failures.push(error) }
		});
		disk.wrote();
		const waiting = watch(disk.synced());
		calls[0]?.reject(new Error('EIO'));
		await flush();
		expect(waiting.settled).toBe('rejected');
		expect(disk.failed).toBe(true);
		expect(failures).toHaveLength(1);
		disk.wrote();
		expect(calls).toHaveLength(1);
		await expect(disk.synced()).rejects.toThrow('EIO');
	});

	test('syncs start at most once per interval, however many writes and waits come', async () => {
		const { calls, syncFile } = heldSyncs();
		const disk = new DiskSync(syncFile, { intervalMs: 40 });
		const started = performance.now();
		disk.wrote();
		calls[0]?.resolve();
		await disk.synced();
		for (let i = 0; i < 20; i++) disk.wrote();
		const waiting = disk.synced();
		await flush();
		expect(calls).toHaveLength(1);
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(calls).toHaveLength(2);
		expect(performance.now() - started).toBeGreaterThanOrEqual(40);
		calls[1]?.resolve();
		await waiting;
		expect(calls).toHaveLength(2);
	});
});
