import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { expect, onTestFinished, test } from 'vitest';
import { WebSocket } from 'ws';
import {
	makeClient,
	metric,
	metricsText,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';
import { startRelayProcess } from '../support/relay-process.js';

/** Number of entries in an awareness message (type 1). */
function entryCount(frame: Uint8Array): number {
	const decoder = decoding.createDecoder(frame);
	decoding.readVarUint(decoder);
	return decoding.readVarUint(decoding.createDecoder(decoding.readVarUint8Array(decoder)));
}

interface RawClient {
	socket: WebSocket;
	/** The awareness messages received, unless told not to keep them. */
	awareness: Uint8Array[];
	/** Entries of all awareness messages received. */
	entries: number;
}

/** A raw client that records the awareness messages (type 1) it receives. */
async function rawClient(url: string, keep = true): Promise<RawClient> {
	const socket = new WebSocket(url);
	const client: RawClient = { socket, awareness: [], entries: 0 };
	socket.on('error', () => {});
	socket.on('message', (data: Buffer) => {
		if (data[0] !== 1) return;
		const frame = new Uint8Array(data);
		client.entries += entryCount(frame);
		if (keep) client.awareness.push(frame);
	});
	await new Promise((resolve) => socket.once('open', resolve));
	return client;
}

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, clientId);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, JSON.stringify(state));
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, 1);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

test('awareness news goes to everyone, the sender included; stale echoes go nowhere', async () => {
	const relay = await startTestRelay();
	const url = `${relay.syncUrl}/${randomRoomId()}?token=${randomToken()}&readToken=${randomToken()}`;
	const alice = await rawClient(url);
	const bob = await rawClient(url);
	await settle();

	const renewal = awarenessFrame(11, 1, { user: 'Alice' });
	alice.socket.send(renewal);
	await settle();
	// The sender hears its own renewal: for a stock client alone in a room, that is the
	// relay's sign of life.
	expect(alice.awareness).toEqual([renewal]);
	expect(bob.awareness).toEqual([renewal]);

	// Bob's client echoes what it received, as stock clients do: nobody gets it again.
	bob.socket.send(renewal);
	await settle();
	expect(alice.awareness).toHaveLength(1);
	expect(bob.awareness).toHaveLength(1);

	// Bob echoing did not make his socket speak for Alice: when it closes, Alice stays.
	bob.socket.close();
	await settle();
	expect(alice.awareness).toHaveLength(1);
	alice.socket.close();
});

/** An awareness frame of many entries, each `{ ghost: i, pad }`: what a flooding client sends. */
function ghostFrame(firstId: number, count: number, pad: string): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, count);
	for (let i = 0; i < count; i++) {
		encoding.writeVarUint(update, firstId + i);
		encoding.writeVarUint(update, 1);
		encoding.writeVarString(update, JSON.stringify({ ghost: firstId + i, pad }));
	}
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, 1);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

test('a flood of ghost entries is bounded: a few ids per connection, and the relay’s memory stays flat', async () => {
	// A relay process of its own, so that its resident memory is the relay's alone.
	const relay = await startRelayProcess();
	onTestFinished(() => void relay.kill('SIGKILL'));
	const httpUrl = `http://127.0.0.1:${relay.port}`;
	const url = `ws://127.0.0.1:${relay.port}/sync/${randomRoomId()}?token=${randomToken()}&readToken=${randomToken()}`;
	const attacker = await rawClient(url, false);
	const victim = await rawClient(url, false);
	await settle();

	const rssMiB = async (): Promise<number> =>
		metric(await metricsText({ httpUrl }), 'relay_process_resident_memory_bytes') / 2 ** 20;
	const before = await rssMiB();
	// 200,000 ghost entries of about 500 bytes, 500 to a message: each message is well
	// under the per-message ceiling, so only the per-connection rule can stop them.
	const pad = 'x'.repeat(480);
	const messages = 400;
	for (let i = 0; i < messages; i++) {
		attacker.socket.send(ghostFrame(1 + i * 500, 500, pad));
		if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 300));
	}
	await waitFor(
		async () => metric(await metricsText({ httpUrl }), 'relay_messages_received_total', { kind: 'awareness' }) >= messages,
		'the flood to be read',
		60_000
	);
	await settle();
	const after = await rssMiB();
	console.log(
		`presence flood of ${messages * 500} entries: relay RSS ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB after; entries forwarded to a bystander: ${victim.entries}`
	);

	// The attacker's socket speaks for at most four ids; everything else was dropped.
	expect(victim.entries).toBeLessThanOrEqual(4);
	const text = await metricsText({ httpUrl });
	expect(metric(text, 'relay_awareness_dropped_total', { reason: 'too-many-ids' })).toBe(messages * 500 - 4);
	// Without the rules the relay kept them all: about 210 MiB more.
	expect(after - before).toBeLessThan(64);
	// A newcomer hears of the four, not of 200,000.
	const newcomer = await rawClient(url);
	await settle();
	expect(newcomer.entries).toBeLessThanOrEqual(4);
	attacker.socket.close();
	victim.socket.close();
	newcomer.socket.close();
});

test('a client id belongs to the connection that announced it: a forged state or removal is dropped', async () => {
	const relay = await startTestRelay();
	const roomId = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, roomId, token);
	const bob = makeClient(relay.syncUrl, roomId, token);
	await Promise.all([waitForSynced(alice), waitForSynced(bob)]);
	alice.provider.awareness.setLocalStateField('member', { name: 'Alice' });
	const aliceId = alice.doc.clientID;
	await waitFor(() => bob.provider.awareness.getStates().get(aliceId)?.['member']?.name === 'Alice', 'Bob to see Alice');

	const mallory = await rawClient(`${relay.syncUrl}/${roomId}?token=${token}`);
	const clock = alice.provider.awareness.meta.get(aliceId)!.clock;
	const received = async (): Promise<number> =>
		metric(await metricsText(relay), 'relay_messages_received_total', { kind: 'awareness' });
	const before = await received();
	mallory.socket.send(awarenessFrame(aliceId, clock + 10, { member: { name: 'Mallory' } }));
	mallory.socket.send(awarenessFrame(aliceId, clock + 20, null));
	await waitFor(async () => (await received()) >= before + 2, 'both forgeries to reach the relay');
	await settle();
	// Alice's own client still holds her state, and Bob still sees her as she is.
	expect(alice.provider.awareness.getLocalState()?.['member']).toEqual({ name: 'Alice' });
	expect(bob.provider.awareness.getStates().get(aliceId)?.['member']).toEqual({ name: 'Alice' });
	expect(metric(await metricsText(relay), 'relay_awareness_dropped_total', { reason: 'not-owner' })).toBe(2);
	// Nothing of the forgery reached anyone: Mallory's own socket heard only Alice.
	const heard = mallory.awareness.flatMap((frame) => {
		const decoder = decoding.createDecoder(frame);
		decoding.readVarUint(decoder);
		const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
		const count = decoding.readVarUint(update);
		return Array.from({ length: count }, () => {
			decoding.readVarUint(update);
			decoding.readVarUint(update);
			return decoding.readVarString(update);
		});
	});
	expect(heard.some((state) => state.includes('Mallory'))).toBe(false);
	mallory.socket.close();
});

test('a client that reconnects is visible again at once, under the same id', async () => {
	const relay = await startTestRelay();
	const roomId = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, roomId, token);
	const bob = makeClient(relay.syncUrl, roomId, token);
	await Promise.all([waitForSynced(alice), waitForSynced(bob)]);
	alice.provider.awareness.setLocalStateField('member', { name: 'Alice' });
	const aliceId = alice.doc.clientID;
	const bobSees = (): boolean => bob.provider.awareness.getStates().has(aliceId);
	await waitFor(bobSees, 'Bob to see Alice');

	// A clean disconnect (the client says it leaves), then a reconnect.
	alice.provider.disconnect();
	await waitFor(() => !bobSees(), 'Alice to leave');
	alice.provider.connect();
	// Well before the stock client's 15 s renewal.
	await waitFor(bobSees, 'Alice to be back after a disconnect', 3000);

	// A dropped socket (no goodbye); the provider reconnects by itself.
	alice.provider.ws?.close();
	await waitFor(() => !bobSees(), 'Alice to be gone with her socket');
	await waitFor(bobSees, 'Alice to be back after a dropped socket', 5000);
	expect(metric(await metricsText(relay), 'relay_awareness_dropped_total', { reason: 'not-owner' })).toBe(0);
});

test('oversized states are neither forwarded nor kept; a blatant flood closes the socket', async () => {
	const relay = await startTestRelay();
	const url = `${relay.syncUrl}/${randomRoomId()}?token=${randomToken()}&readToken=${randomToken()}`;
	const sender = await rawClient(url);
	const bystander = await rawClient(url);
	await settle();

	// 15 MiB and 5 KiB states: above the 4 KiB cap, neither goes anywhere.
	sender.socket.send(awarenessFrame(21, 1, { pad: 'x'.repeat(15 * 2 ** 20) }));
	sender.socket.send(awarenessFrame(21, 2, { pad: 'x'.repeat(5000) }));
	await waitFor(
		async () => metric(await metricsText(relay), 'relay_awareness_dropped_total', { reason: 'state-too-large' }) === 2,
		'the oversized states to be dropped'
	);
	await settle();
	expect(bystander.awareness).toEqual([]);
	// The same client with a small state is heard.
	const small = awarenessFrame(21, 3, { member: { name: 'Ada' } });
	sender.socket.send(small);
	await waitFor(() => bystander.awareness.length === 1, 'the small state');
	expect(bystander.awareness).toEqual([small]);

	// Thousands of entries in one message: no client does that, the socket is closed.
	const closed = new Promise<number>((resolve) => sender.socket.once('close', resolve));
	sender.socket.send(ghostFrame(1000, 5000, ''));
	expect(await closed).toBe(1008);
	// Its one client is gone for the others.
	await waitFor(() => bystander.awareness.length === 2, 'the removal of the closed socket’s client');
	bystander.socket.close();
});

test('a room holds a bounded number of clients, and one freed by a closed socket can be taken again', async () => {
	const relay = await startTestRelay();
	const url = `${relay.syncUrl}/${randomRoomId()}?token=${randomToken()}&readToken=${randomToken()}`;
	const sockets = await Promise.all(Array.from({ length: 65 }, () => rawClient(url)));
	await settle();
	// 65 connections of 4 ids each: 260, four more than a room holds.
	sockets.forEach((client, i) => client.socket.send(ghostFrame(1 + i * 4, 4, '')));
	await waitFor(
		async () => metric(await metricsText(relay), 'relay_awareness_dropped_total', { reason: 'room-full' }) === 4,
		'the room to be full'
	);
	const newcomer = await rawClient(url);
	await waitFor(() => newcomer.entries === 256, 'the newcomer to hear of 256 clients');
	// One socket leaves: its four ids are free, and the last one can now announce its own.
	sockets[0]!.socket.close();
	await settle();
	sockets[64]!.socket.send(ghostFrame(257, 4, ''));
	await waitFor(() => newcomer.entries === 256 + 4 + 4, 'four removals and four newcomers');
	for (const client of [...sockets, newcomer]) client.socket.close();
});
