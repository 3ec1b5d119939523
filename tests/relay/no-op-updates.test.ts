import * as encoding from 'lib0/encoding';
import { onTestFinished, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import {
	makeClient,
	metric,
	metricsText,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

function syncFrame(subType: 1 | 2, update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, subType);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/**
 * A member's raw socket; `updates` counts the sync updates the relay forwards to it,
 * `closed` is the close code once the relay closed it.
 */
async function rawMember(
	syncUrl: string,
	room: string,
	token: string
): Promise<{ send(frame: Uint8Array): void; updates: () => number; closed: () => number | null }> {
	const socket = new WebSocket(`${syncUrl}/${room}?token=${token}`);
	socket.on('error', () => {});
	onTestFinished(() => socket.terminate());
	let updates = 0;
	let closed: number | null = null;
	socket.on('message', (data: Buffer) => {
		if (data[0] === 0 && data[1] === 2) updates++;
	});
	socket.on('close', (code) => (closed = code));
	// The relay speaks first (its step 1) once the room is loaded.
	await new Promise((resolve) => socket.once('message', resolve));
	return { send: (frame) => socket.send(frame), updates: () => updates, closed: () => closed };
}

/** Storage whose commits wait for a gate, and whose next commit may fail. */
class GatedStorage extends MemoryStorage {
	gate: Promise<void> | null = null;
	failNext = false;
	override async appendUpdates(appends: Parameters<MemoryStorage['appendUpdates']>[0]): Promise<number[]> {
		if (this.gate !== null) await this.gate;
		if (this.failNext) {
			this.failNext = false;
			throw new Error('simulated write failure');
		}
		return super.appendUpdates(appends);
	}
}

const counters = async (relay: { httpUrl: string }): Promise<{ persisted: number; skipped: number }> => {
	const text = await metricsText(relay);
	return { persisted: metric(text, 'relay_updates_persisted_total'), skipped: metric(text, 'relay_updates_skipped_total') };
};

/** The log entries of a room equal to `update`. */
async function storedCopies(dataDir: string, room: string, update: Uint8Array): Promise<number> {
	const storage = openSqliteStorage({ dataDir });
	const stored = await storage.loadRoom(room);
	await storage.close();
	return stored.updates.filter((entry) => Buffer.from(entry.data).equals(Buffer.from(update))).length;
}

test('the same delete-only update sent 5 times is stored once and forwarded once; sent again later, not at all', async () => {
	const dataDir = tempDir('no-op');
	const relay = await startTestRelay({ dataDir, compactAfterUpdates: 10_000 });
	const room = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, room, token);
	await waitForSynced(alice);
	const peer = await rawMember(relay.syncUrl, room, token);
	const sender = await rawMember(relay.syncUrl, room, token);
	alice.doc.getArray<string>('needs').push(['chairs', 'tables', 'a van', 'bread', 'tea']);
	await waitFor(() => peer.updates() === 1, 'the peer to get the list');

	// What a device that removed "tables" sends: deletions only.
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(alice.doc));
	const removal: Uint8Array[] = [];
	copy.on('update', (update: Uint8Array) => removal.push(update));
	copy.getArray('needs').delete(1, 1);
	const deletion = removal[0]!;
	expect(Y.decodeUpdate(deletion).structs).toHaveLength(0);

	const before = await counters(relay);
	for (let n = 0; n < 5; n++) sender.send(syncFrame(2, deletion));
	await waitFor(async () => (await counters(relay)).skipped === before.skipped + 4, 'the repeats to be seen');
	await waitFor(() => alice.doc.getArray('needs').length === 4, 'alice to see the removal');
	// Once, as a step 2 too (a device's answer to the relay's step 1).
	for (let n = 0; n < 5; n++) sender.send(syncFrame(n % 2 === 0 ? 1 : 2, deletion));
	await waitFor(async () => (await counters(relay)).skipped === before.skipped + 9, 'the later repeats to be seen');
	const after = await counters(relay);
	expect(after.persisted - before.persisted).toBe(1);
	expect(peer.updates()).toBe(2);

	// A deletion the room lacks among ones it has is news: stored and forwarded.
	copy.getArray('needs').delete(0, 2);
	const mixed = Y.encodeStateAsUpdate(copy, Y.encodeStateVector(alice.doc));
	expect(Y.decodeUpdate(mixed).structs).toHaveLength(0);
	sender.send(syncFrame(2, mixed));
	await waitFor(() => alice.doc.getArray<string>('needs').toArray().join() === 'bread,tea', 'alice to see the second removal');
	expect((await counters(relay)).persisted - before.persisted).toBe(2);
	await waitFor(() => peer.updates() === 3, 'the peer to get it');

	await relay.close();
	expect(await storedCopies(dataDir, room, deletion)).toBe(1);
});

test('a reconnecting device’s step 2, which repeats its whole delete set, adds nothing once the room is reloaded from its snapshot', async () => {
	const dataDir = tempDir('no-op-reload');
	const room = randomRoomId();
	const token = randomToken();
	let relay = await startTestRelay({ dataDir, compactAfterUpdates: 3 });
	const alice = makeClient(relay.syncUrl, room, token, { ack: true });
	await waitForSynced(alice);
	const needs = alice.doc.getArray<string>('needs');
	for (let n = 0; n < 8; n++) needs.push([`need ${n}`]);
	for (let n = 0; n < 4; n++) needs.delete(n, 1);
	await waitFor(async () => metric(await metricsText(relay), 'relay_compactions_total') >= 1, 'a snapshot');
	const content = needs.toArray();
	const everything = Y.encodeStateAsUpdate(alice.doc);
	alice.destroy();
	await relay.close();

	// The room comes back from disk: its deletions are in the snapshot, not in memory.
	relay = await startTestRelay({ dataDir });
	const peer = await rawMember(relay.syncUrl, room, token);
	const device = await rawMember(relay.syncUrl, room, token);
	const before = await counters(relay);
	for (let n = 0; n < 3; n++) device.send(syncFrame(1, everything));
	await waitFor(async () => (await counters(relay)).skipped === before.skipped + 3, 'the step 2s to be seen');
	expect((await counters(relay)).persisted).toBe(before.persisted);
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	expect(reader.doc.getArray('needs').toArray()).toEqual(content);
	expect(peer.updates()).toBe(0);
	await relay.close();
	expect(await storedCopies(dataDir, room, everything)).toBe(0);
});

test('a repeat skipped while the update it repeats was on its way to storage is stored after all when that one fails', async () => {
	const storage = new GatedStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, room, token);
	await waitForSynced(alice);
	const peer = await rawMember(relay.syncUrl, room, token);
	const first = await rawMember(relay.syncUrl, room, token);
	const second = await rawMember(relay.syncUrl, room, token);
	alice.doc.getArray<string>('needs').push(['chairs', 'tables', 'a van']);
	await waitFor(() => peer.updates() === 1, 'the peer to get the list');
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(alice.doc));
	const removal: Uint8Array[] = [];
	copy.on('update', (update: Uint8Array) => removal.push(update));
	copy.getArray('needs').delete(0, 1);
	const deletion = removal[0]!;

	let open!: () => void;
	storage.gate = new Promise((resolve) => (open = resolve));
	storage.failNext = true;
	const before = await counters(relay);
	first.send(syncFrame(2, deletion));
	await new Promise((resolve) => setTimeout(resolve, 100));
	second.send(syncFrame(2, deletion));
	await waitFor(async () => (await counters(relay)).skipped === before.skipped + 1, 'the repeat to be skipped');
	storage.gate = null;
	open();

	// The first one's commit failed: its socket is closed, and the repeat is stored instead.
	await waitFor(() => first.closed() === 1011, 'the first sender to be closed');
	await waitFor(() => alice.doc.getArray<string>('needs').toArray().join() === 'tables,a van', 'alice to see the removal');
	await waitFor(() => peer.updates() === 2, 'the peer to get it');
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(peer.updates()).toBe(2);
	expect(second.closed()).toBeNull();
	const stored = await storage.loadRoom(room);
	expect(stored.updates.filter((entry) => Buffer.from(entry.data).equals(Buffer.from(deletion)))).toHaveLength(1);
});
