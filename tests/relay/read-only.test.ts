import * as encoding from 'lib0/encoding';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import { hashToken } from '../../sync-server/src/access/token.js';
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

function frame(...parts: Array<number | Uint8Array>): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const part of parts) {
		if (typeof part === 'number') encoding.writeVarUint(encoder, part);
		else encoding.writeVarUint8Array(encoder, part);
	}
	return encoding.toUint8Array(encoder);
}

test('a read-only client gets the document, updates and awareness; its writes go nowhere', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const member = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(member);
	member.doc.getMap('resources').set('van', { kind: 'vehicle' });
	member.provider.awareness.setLocalStateField('user', { name: 'Alice' });

	const reader = makeClient(relay.syncUrl, room, readToken);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getMap('resources').has('van'), 'the reader to get the document');
	await waitFor(() => reader.provider.awareness.getStates().has(member.doc.clientID), 'the reader to see the member');

	// Writes of the reader: a local edit and its presence. Neither reaches the member nor storage.
	reader.doc.getMap('resources').set('stolen', { kind: 'vehicle' });
	reader.provider.awareness.setLocalStateField('user', { name: 'Screen' });
	member.doc.getMap('resources').set('pump', { kind: 'equipment' });
	await waitFor(() => reader.doc.getMap('resources').has('pump'), 'later updates to reach the reader');
	await waitFor(
		async () => metric(await metricsText(relay), 'relay_readonly_writes_dropped_total', { kind: 'update' }) >= 1,
		'the dropped update to be counted'
	);
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(member.doc.getMap('resources').has('stolen')).toBe(false);
	expect(member.provider.awareness.getStates().has(reader.doc.clientID)).toBe(false);
	const stored = new Y.Doc();
	for (const update of (await storage.loadRoom(room)).updates) Y.applyUpdate(stored, update.data);
	expect(stored.getMap('resources').has('stolen')).toBe(false);
	expect(stored.getMap('resources').has('pump')).toBe(true);

	const text = await metricsText(relay);
	expect(metric(text, 'relay_readonly_writes_dropped_total', { kind: 'awareness' })).toBeGreaterThanOrEqual(1);
	expect(metric(text, 'relay_connections', { access: 'member' })).toBe(1);
	expect(metric(text, 'relay_connections', { access: 'read' })).toBe(1);
	// The reader's connection stays open: dropping is not refusing.
	expect(reader.provider.wsconnected).toBe(true);

	// A new member client still sees everything the member wrote, and nothing of the reader.
	const late = makeClient(relay.syncUrl, room, token);
	await waitForSynced(late);
	expect(late.doc.getMap('resources').toJSON()).toEqual({ van: { kind: 'vehicle' }, pump: { kind: 'equipment' } });
});

test('a read-only client alone in a room hears back from the relay when it renews its presence', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const member = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(member);
	member.destroy();

	const socket = new WebSocket(`${relay.syncUrl}/${room}?token=${readToken}`);
	const received: Uint8Array[] = [];
	socket.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
	await new Promise((resolve) => socket.once('open', resolve));
	await waitFor(() => received.length >= 1, 'the relay’s sync step 1');
	const before = received.length;
	// An awareness renewal, as the stock client sends every 15 s.
	const entry = encoding.createEncoder();
	encoding.writeVarUint(entry, 1); // one entry: client id, clock, state
	encoding.writeVarUint(entry, 1234);
	encoding.writeVarUint(entry, 3);
	encoding.writeVarString(entry, '{"user":{"name":"Screen"}}');
	socket.send(frame(1, encoding.toUint8Array(entry)));
	await waitFor(() => received.length > before, 'an answer');
	// An awareness message with no entries: a sign of life that tells nobody anything.
	expect(received.at(-1)).toEqual(frame(1, new Uint8Array([0])));
	socket.close();
});

test('a member makes the read-only token known once; later ones do not replace it', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	// Claimed, by an earlier relay, without a read token: nobody reads only, yet.
	await storage.claimRoom(room, hashToken(token));
	const first = makeClient(relay.syncUrl, room, token, { readToken: null });
	await waitForSynced(first);
	expect((await storage.roomAccess(room))?.readonlyTokenHash).toBeNull();

	const readToken = randomToken();
	const second = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(second);
	expect((await storage.roomAccess(room))?.readonlyTokenHash).toBe(hashToken(readToken));

	const third = makeClient(relay.syncUrl, room, token, { readToken: randomToken() });
	await waitForSynced(third);
	expect((await storage.roomAccess(room))?.readonlyTokenHash).toBe(hashToken(readToken));

	// A read-only client cannot make another read token known, nor reach a member's rights.
	const reader = makeClient(relay.syncUrl, room, readToken, { readToken: randomToken() });
	await waitForSynced(reader);
	expect((await storage.roomAccess(room))?.readonlyTokenHash).toBe(hashToken(readToken));
	const response = await fetch(`${relay.httpUrl}/sync/${room}?token=${readToken}`);
	expect(await response.json()).toEqual({ access: 'read' });
});
