import { describe, expect, test } from 'vitest';
import { AppendDropped, GroupCommit, type CommitObserver } from './group-commit.js';
import { MemoryStorage } from './memory-storage.js';
import type { Append } from './storage.js';

const bytes = (n: number): Uint8Array => new Uint8Array([n]);

/** The in-memory store, recording each batch, and holding each commit until let go if asked. */
class RecordingStorage extends MemoryStorage {
	readonly batches: string[][] = [];
	#gate: Promise<void> | null = null;
	#release: () => void = () => {};

	hold(): void {
		this.#gate = new Promise((resolve) => (this.#release = resolve));
	}

	release(): void {
		this.#gate = null;
		this.#release();
	}

	override async appendUpdates(appends: readonly Append[]): Promise<number[]> {
		this.batches.push(appends.map(({ roomId, data }) => `${roomId}:${data[0]}`));
		if (this.#gate !== null) await this.#gate;
		return super.appendUpdates(appends);
	}
}

async function storageWithRooms(...rooms: string[]): Promise<RecordingStorage> {
	const storage = new RecordingStorage();
	for (const room of rooms) await storage.claimRoom(room, 'h');
	return storage;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
	test('the appends of one turn, from every room, go in one commit, in the order given', async () => {
		const storage = await storageWithRooms('a', 'b', 'c');
		const commits = new GroupCommit(storage);
		const seqs = await Promise.all([
			commits.append('a', bytes(1)),
			commits.append('b', bytes(2)),
			commits.append('a', bytes(3)),
			commits.append('c', bytes(4))
		]);
		expect(storage.batches).toEqual([['a:1', 'b:2', 'a:3', 'c:4']]);
		expect(seqs).toEqual([1, 1, 2, 1]);
		expect(await commits.append('a', bytes(5))).toBe(3);
		expect(storage.batches).toHaveLength(2);
	});

	test('an update is reported stored only once its commit has ended; the next batch waits for it', async () => {
		const storage = await storageWithRooms('a');
		const observed: number[] = [];
		const commits = new GroupCommit(storage, { committed: (updates) => observed.push(updates), failed: () => {} });
		storage.hold();
		let stored = false;
		const first = commits.append('a', bytes(1)).then((seq) => {
			stored = true;
			return seq;
		});
		await turn();
		await turn();
		expect(storage.batches).toEqual([['a:1']]);
		expect(stored).toBe(false);
		// Appends made while a commit runs gather for the next one, which starts after it.
		const second = commits.append('a', bytes(2));
		const third = commits.append('a', bytes(3));
		await turn();
		await turn();
		expect(storage.batches).toHaveLength(1);
		expect(commits.busy).toBe(true);
		storage.release();
		expect(await first).toBe(1);
		expect(await Promise.all([second, third])).toEqual([2, 3]);
		expect(storage.batches).toEqual([['a:1'], ['a:2', 'a:3']]);
		expect(observed).toEqual([1, 2]);
		await commits.idle();
		expect(commits.busy).toBe(false);
	});

	test('a failed commit fails every update in it and stores none; the next one is not affected', async () => {
		const storage = await storageWithRooms('a', 'b');
		const failures: number[] = [];
		const commits = new GroupCommit(storage, { committed: () => {}, failed: (updates) => failures.push(updates) });
		storage.failWrites = true;
		const results = await Promise.allSettled([commits.append('a', bytes(1)), commits.append('b', bytes(2))]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
		expect(failures).toEqual([2]);
		expect((await storage.loadRoom('a')).updates).toEqual([]);
		storage.failWrites = false;
		expect(await commits.append('b', bytes(3))).toBe(1);
	});

	test('an update to an unclaimed room fails its whole batch', async () => {
		const storage = await storageWithRooms('a');
		const commits = new GroupCommit(storage);
		const results = await Promise.allSettled([commits.append('a', bytes(1)), commits.append('nobody', bytes(2))]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
		expect((await storage.loadRoom('a')).updates).toEqual([]);
	});

	test('an update whose sender was refused before the commit is dropped, unstored', async () => {
		const storage = await storageWithRooms('a');
		const commits = new GroupCommit(storage);
		let refused = false;
		const dropped = commits.append('a', bytes(1), { dropped: () => refused });
		const kept = commits.append('a', bytes(2));
		refused = true;
		await expect(dropped).rejects.toBeInstanceOf(AppendDropped);
		expect(await kept).toBe(1);
		expect(storage.batches).toEqual([['a:2']]);
	});

	test('counts each commit and how long each update waited', async () => {
		const storage = await storageWithRooms('a');
		const seen: Array<{ updates: number; waits: number }> = [];
		const observer: CommitObserver = {
			committed: (updates, seconds, waits) => {
				expect(seconds).toBeGreaterThanOrEqual(0);
				for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(seconds);
				seen.push({ updates, waits: waits.length });
			},
			failed: () => {}
		};
		const commits = new GroupCommit(storage, observer);
		await Promise.all([commits.append('a', bytes(1)), commits.append('a', bytes(2))]);
		expect(seen).toEqual([{ updates: 2, waits: 2 }]);
	});
});
