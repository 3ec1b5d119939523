import { expect, onTestFinished, test } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import type { Append } from '../../sync-server/src/storage/storage.js';
import {
	captureStoredAcks,
	covers,
	makeClient,
	metric,
	metricsText,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced,
	type TestClient
} from './helpers.js';

/** The in-memory store, counting commits and able to hold them until let go. */
class HeldStorage extends MemoryStorage {
	commits = 0;
	updates = 0;
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
		if (this.#gate !== null) await this.#gate;
		const seqs = await super.appendUpdates(appends);
		this.commits += 1;
		this.updates += appends.length;
		return seqs;
	}
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every update the document emits, in order. */
function recordUpdates(doc: Y.Doc): Uint8Array[] {
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	return updates;
}

test('many rooms writing at once: every update stored in its room’s order, fewer commits than updates', async () => {
	const storage = new HeldStorage();
	const relay = await startTestRelay({ storage });
	const ROOMS = 12;
	const EDITS = 10;
	// In Node every stock provider listens for the process's exit; two dozen at once is expected.
	const listeners = process.getMaxListeners();
	process.setMaxListeners(listeners + 2 * ROOMS);
	onTestFinished(() => void process.setMaxListeners(listeners));
	const rooms = Array.from({ length: ROOMS }, () => ({ id: randomRoomId(), token: randomToken() }));
	const pairs = rooms.map(({ id, token }) => ({
		writer: makeClient(relay.syncUrl, id, token),
		watcher: makeClient(relay.syncUrl, id, token)
	}));
	await Promise.all(pairs.flatMap(({ writer, watcher }) => [waitForSynced(writer), waitForSynced(watcher)]));
	const before = { commits: storage.commits, updates: storage.updates };

	const sent = pairs.map(({ writer }) => recordUpdates(writer.doc));
	for (let n = 0; n < EDITS; n++) {
		for (const { writer } of pairs) writer.doc.getArray<number>('edits').push([n]);
	}
	await waitFor(
		() => pairs.every(({ watcher }) => watcher.doc.getArray('edits').length === EDITS),
		'every watcher to get every edit'
	);
	const updates = storage.updates - before.updates;
	const commits = storage.commits - before.commits;
	expect(updates).toBe(ROOMS * EDITS);
	// Updates that reach the relay in the same turn share a commit.
	expect(commits).toBeLessThan(updates / 2);
	// Each room's log holds exactly what its writer sent, in the order it sent it.
	for (const [i, { id }] of rooms.entries()) {
		const stored = (await storage.loadRoom(id)).updates;
		expect(stored.map((update) => update.seq)).toEqual(stored.map((_, n) => n + 1));
		expect(stored.map((update) => update.data)).toEqual(sent[i]);
	}
	console.info(`${updates} updates from ${ROOMS} rooms in ${commits} commits`);
});

test('nothing is fanned out nor acknowledged before its commit has ended', async () => {
	const storage = new HeldStorage();
	const relay = await startTestRelay({ storage, ackDelayMs: 10 });
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(writer);
	const watcher = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(writer), waitForSynced(watcher)]);

	storage.hold();
	writer.doc.getMap('fund').set('balance', 120);
	writer.doc.getMap('fund').set('currency', 'EUR');
	await pause(300);
	expect(watcher.doc.getMap('fund').size).toBe(0);
	expect(acks.some((sv) => covers(sv, writer.doc))).toBe(false);
	expect((await storage.loadRoom(room)).updates).toEqual([]);

	storage.release();
	await waitFor(() => watcher.doc.getMap('fund').get('currency') === 'EUR', 'the edits to reach the watcher');
	await waitFor(() => acks.some((sv) => covers(sv, writer.doc)), 'the acknowledgement once stored');
	expect((await storage.loadRoom(room)).updates).toHaveLength(2);
});

test('a failed commit closes the connections whose updates were in it, fans nothing out, and loses nothing', async () => {
	const storage = new HeldStorage();
	const relay = await startTestRelay({ storage });
	const token = randomToken();
	const [roomA, roomB, roomC] = [randomRoomId(), randomRoomId(), randomRoomId()];
	const writerA = makeClient(relay.syncUrl, roomA, token);
	const watcherA = makeClient(relay.syncUrl, roomA, token);
	const writerB = makeClient(relay.syncUrl, roomB, token);
	const watcherB = makeClient(relay.syncUrl, roomB, token);
	const bystander = makeClient(relay.syncUrl, roomC, token);
	const everyone = [writerA, watcherA, writerB, watcherB, bystander];
	await Promise.all(everyone.map((client) => waitForSynced(client)));
	const closes = new Map<TestClient, number[]>(everyone.map((client) => [client, []]));
	for (const client of everyone) {
		client.provider.on('connection-close', (event) => {
			if (event !== null) closes.get(client)!.push(event.code);
		});
	}

	// Both edits wait for the same commit, which then fails.
	storage.hold();
	writerA.doc.getArray<string>('needs').push(['bread']);
	writerB.doc.getArray<string>('needs').push(['soap']);
	await pause(200);
	storage.failWrites = true;
	storage.release();
	await waitFor(
		() => closes.get(writerA)!.includes(1011) && closes.get(writerB)!.includes(1011),
		'both writers to be closed with 1011'
	);
	await pause(200);
	expect(watcherA.doc.getArray('needs').length).toBe(0);
	expect(watcherB.doc.getArray('needs').length).toBe(0);
	for (const client of [watcherA, watcherB, bystander]) expect(closes.get(client)).toEqual([]);
	const failures = metric(await metricsText(relay), 'relay_storage_failures_total', { operation: 'append' });
	expect(failures).toBeGreaterThanOrEqual(1);
	expect((await storage.loadRoom(roomA)).updates).toEqual([]);

	// The writers reconnect by themselves and send their edits again.
	storage.failWrites = false;
	await waitFor(() => watcherA.doc.getArray('needs').get(0) === 'bread', 'room A’s edit after recovery');
	await waitFor(() => watcherB.doc.getArray('needs').get(0) === 'soap', 'room B’s edit after recovery');
	expect((await storage.loadRoom(roomA)).updates.length).toBeGreaterThan(0);
	expect((await storage.loadRoom(roomB)).updates.length).toBeGreaterThan(0);
});
