import * as encoding from 'lib0/encoding';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import {
	health,
	makeClient,
	metric,
	metricsText,
	nextClose,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

/** A raw socket that records how it was closed. */
function rawSocket(
	url: string,
	headers: Record<string, string> = {}
): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
	const socket = new WebSocket(url, { headers });
	socket.on('error', () => {});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	return { socket, closed };
}

function queryAwareness(): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 3);
	return encoding.toUint8Array(encoder);
}

test('a connection that sends faster than its budget is closed with 4529 and comes back', async () => {
	const relay = await startTestRelay({ messagesPerSecond: 20, messageBurst: 40 });
	const room = randomRoomId();
	const token = randomToken();
	const { socket, closed } = rawSocket(`${relay.syncUrl}/${room}?token=${token}&readToken=${randomToken()}`);
	await new Promise((resolve) => socket.once('open', resolve));
	for (let n = 0; n < 100; n++) socket.send(queryAwareness());
	expect(await closed).toEqual({ code: 4529, reason: 'rate limit exceeded' });
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'rate-limited' })).toBe(1);

	// A stock client within its budget is not bothered; 45xx means "retry", and it does.
	const client = makeClient(relay.syncUrl, room, token);
	await waitForSynced(client);
	const closing = nextClose(client);
	for (let n = 0; n < 60; n++) client.doc.getArray('burst').push([n]);
	expect((await closing).code).toBe(4529);
	await waitFor(() => client.provider.synced, 'the client to reconnect and sync', 10_000);
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getArray('burst').length === 60, 'every edit to arrive after the reconnection');
});

test('connections beyond the per-address limit are closed with 4529 before any storage work', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage, maxConnectionsPerAddress: 2 });
	const room = randomRoomId();
	const token = randomToken();
	const first = makeClient(relay.syncUrl, room, token);
	const second = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(first), waitForSynced(second)]);
	const otherRoom = randomRoomId();
	const third = rawSocket(`${relay.syncUrl}/${otherRoom}?token=${token}`);
	expect(await third.closed).toEqual({ code: 4529, reason: 'too-many-connections' });
	expect(await storage.roomAccess(otherRoom)).toBeNull();
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'too-many-connections' })).toBe(1);
	first.destroy();
	await waitFor(async () => (await health(relay)).connections === 1, 'the first client to leave');
	const again = makeClient(relay.syncUrl, otherRoom, token);
	await waitForSynced(again);
});

test('behind a trusted proxy, the per-address limit counts the address the proxy forwards', async () => {
	const relay = await startTestRelay({ maxConnectionsPerAddress: 1, trustedProxies: ['127.0.0.1', '::1'] });
	const token = randomToken();
	const url = (room: string) => `${relay.syncUrl}/${room}?token=${token}&readToken=${randomToken()}`;
	const opened = (socket: WebSocket) => new Promise((resolve) => socket.once('open', resolve));
	// Two people at one site behind the proxy: each is one address.
	const alice = rawSocket(url(randomRoomId()), { 'X-Forwarded-For': '198.51.100.4' });
	const bob = rawSocket(url(randomRoomId()), { 'X-Forwarded-For': '198.51.100.5' });
	await Promise.all([opened(alice.socket), opened(bob.socket)]);
	// A second socket of Alice's is over the limit, even with an address of its own in front.
	const again = rawSocket(url(randomRoomId()), { 'X-Forwarded-For': '203.0.113.9, 198.51.100.4' });
	expect(await again.closed).toEqual({ code: 4529, reason: 'too-many-connections' });
	alice.socket.close();
	bob.socket.close();
});

test('when the relay holds its maximum of rooms, an idle one makes way; a busy relay answers 4503', async () => {
	const relay = await startTestRelay({ maxLoadedRooms: 1, idleUnloadMs: 60_000 });
	const token = randomToken();
	const [roomA, roomB, roomC] = [randomRoomId(), randomRoomId(), randomRoomId()];
	const a = makeClient(relay.syncUrl, roomA, token);
	await waitForSynced(a);
	a.doc.getMap('m').set('kept', true);
	const refused = rawSocket(`${relay.syncUrl}/${roomB}?token=${token}&readToken=${randomToken()}`);
	expect(await refused.closed).toEqual({ code: 4503, reason: 'relay busy' });
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'too-many-rooms' })).toBe(1);

	// Room A empties: it would stay loaded for a minute, but gives way to room C at once.
	a.destroy();
	await waitFor(async () => (await health(relay)).connections === 0, 'room A to empty');
	const c = makeClient(relay.syncUrl, roomC, token);
	await waitForSynced(c);
	expect((await health(relay)).rooms).toBe(1);
	c.destroy();
	await waitFor(async () => (await health(relay)).connections === 0, 'room C to empty');
	const back = makeClient(relay.syncUrl, roomA, token);
	await waitForSynced(back);
	expect(back.doc.getMap('m').get('kept')).toBe(true);
});

test('an update that would make the room too large is refused with 4413, unstored and unforwarded', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage, maxRoomBytes: 64 * 1024 });
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token);
	const watcher = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(writer), waitForSynced(watcher)]);
	writer.doc.getText('notes').insert(0, 'x'.repeat(40 * 1024));
	await waitFor(() => watcher.doc.getText('notes').length === 40 * 1024, 'the first note to pass');

	const closing = nextClose(writer);
	const gaveUp = new Promise<number>((resolve) => writer.provider.once('closed', (event) => resolve(event.code)));
	writer.doc.getText('notes').insert(0, 'y'.repeat(40 * 1024));
	expect(await closing).toEqual({ code: 4413, reason: 'room-too-large' });
	// Permanent: the stock client does not come back to send it again and again.
	expect(await gaveUp).toBe(4413);
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(watcher.doc.getText('notes').length).toBe(40 * 1024);
	const stored = new Y.Doc();
	for (const update of (await storage.loadRoom(room)).updates) Y.applyUpdate(stored, update.data);
	expect(stored.getText('notes').length).toBe(40 * 1024);
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'room-too-large' })).toBe(1);

	// Small edits still fit.
	watcher.doc.getMap('m').set('small', 1);
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getMap('m').get('small') === 1, 'a small edit to pass');
});

test('a frame above the maximum payload is refused with 1009 and counted', async () => {
	const relay = await startTestRelay({ maxPayloadBytes: 1024 });
	const { socket, closed } = rawSocket(`${relay.syncUrl}/${randomRoomId()}?token=${randomToken()}&readToken=${randomToken()}`);
	await new Promise((resolve) => socket.once('open', resolve));
	socket.send(new Uint8Array(4096));
	expect((await closed).code).toBe(1009);
	await waitFor(
		async () => metric(await metricsText(relay), 'relay_refusals_total', { reason: 'frame-too-large' }) === 1,
		'the refusal to be counted'
	);
});
