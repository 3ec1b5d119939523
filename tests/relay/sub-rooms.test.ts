// A space's second document (its archived history) lives in a sub-room `<roomId>.<part>`
// that is entered with the space's own tokens and has no access record of its own.
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import {
	committedSpace,
	makeClient,
	nextClose,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

async function probe(httpUrl: string, room: string, token: string): Promise<{ status: number; body: unknown }> {
	const response = await fetch(`${httpUrl}/sync/${room}`, { headers: { Authorization: `Bearer ${token}` } });
	return { status: response.status, body: await response.json() };
}

test('a sub-room admits the parent’s member and read tokens, refuses any other, and a reader writes nothing there', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const space = makeClient(relay.syncUrl, room, token, { readToken, header: true });
	await waitForSynced(space);
	const history = `${room}.history`;

	const stranger = makeClient(relay.syncUrl, history, randomToken(), { header: true });
	const gaveUp = await probe(relay.httpUrl, history, randomToken());
	expect(gaveUp).toEqual({ status: 403, body: { error: 'forbidden' } });
	await new Promise((resolve) => setTimeout(resolve, 300));
	expect(stranger.provider.synced).toBe(false);
	stranger.destroy();

	expect(await probe(relay.httpUrl, history, token)).toEqual({ status: 426, body: { access: 'member' } });
	expect(await probe(relay.httpUrl, history, readToken)).toEqual({ status: 426, body: { access: 'read' } });

	const member = makeClient(relay.syncUrl, history, token, { readToken, header: true });
	await waitForSynced(member);
	member.doc.getArray('archived').push([{ id: 'a1', at: 1 }]);
	const reader = makeClient(relay.syncUrl, history, readToken, { readToken: null, header: true });
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getArray('archived').length === 1, 'the reader to receive the sub-room');
	reader.doc.getArray('archived').push([{ id: 'forged', at: 2 }]);
	member.doc.getArray('archived').push([{ id: 'a2', at: 3 }]);
	await waitFor(() => reader.doc.getArray('archived').length === 3, 'the member’s later write to reach the reader');
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(member.doc.getArray('archived').toArray()).toEqual([
		{ id: 'a1', at: 1 },
		{ id: 'a2', at: 3 }
	]);

	// Stored apart from the space, under its own id: the space's document holds none of it.
	const stored = new Y.Doc();
	for (const update of (await storage.loadRoom(history)).updates) Y.applyUpdate(stored, update.data);
	expect(stored.getArray('archived').toArray()).toEqual([
		{ id: 'a1', at: 1 },
		{ id: 'a2', at: 3 }
	]);
	const parent = new Y.Doc();
	for (const update of (await storage.loadRoom(room)).updates) Y.applyUpdate(parent, update.data);
	expect(parent.getArray('archived').length).toBe(0);
	// The sub-room's own row lets no token in by itself.
	const own = await storage.roomAccess(history);
	expect(own?.tokenHash).toBe('0'.repeat(64));
	await relay.close();
});

test('a sub-room cannot be claimed before its parent, even with a full claim', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const space = committedSpace();
	const early = makeClient(relay.syncUrl, `${space.roomId}.history`, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
	expect(await nextClose(early)).toEqual({ code: 4401, reason: 'parent-unclaimed' });
	early.destroy();
	expect(await storage.roomAccess(`${space.roomId}.history`)).toBeNull();
	expect(await storage.roomAccess(space.roomId)).toBeNull();
	expect((await probe(relay.httpUrl, `${space.roomId}.history`, space.token)).body).toEqual({ access: 'unclaimed' });

	// Once the space is claimed, the same credentials enter its sub-room.
	const claimer = makeClient(relay.syncUrl, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
	await waitForSynced(claimer);
	const later = makeClient(relay.syncUrl, `${space.roomId}.history`, space.token, { readToken: space.readToken, header: true });
	await waitForSynced(later);
	await relay.close();
});

test('rotating the parent’s tokens closes the sub-room’s connections and refuses the old tokens there', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const space = makeClient(relay.syncUrl, room, token, { readToken, header: true });
	await waitForSynced(space);
	const history = makeClient(relay.syncUrl, `${room}.history`, token, { readToken, header: true });
	const reading = makeClient(relay.syncUrl, `${room}.history`, readToken, { readToken: null, header: true });
	await Promise.all([waitForSynced(history), waitForSynced(reading)]);
	const historyClosed = nextClose(history);
	const readingClosed = nextClose(reading);

	// A sub-room's tokens are its parent's: they are not rotated through it.
	const throughSubRoom = await fetch(`${relay.httpUrl}/rooms/${room}.history/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ token: randomToken(), readToken: randomToken() })
	});
	expect(throughSubRoom.status).toBe(400);
	expect(await throughSubRoom.json()).toEqual({ error: 'sub-room' });

	const newToken = randomToken();
	const newReadToken = randomToken();
	const rotated = await fetch(`${relay.httpUrl}/rooms/${room}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ token: newToken, readToken: newReadToken })
	});
	expect(rotated.status).toBe(200);
	expect(await historyClosed).toEqual({ code: 4403, reason: 'token rotated' });
	expect(await readingClosed).toEqual({ code: 4403, reason: 'token rotated' });
	expect((await probe(relay.httpUrl, `${room}.history`, token)).status).toBe(403);
	expect((await probe(relay.httpUrl, `${room}.history`, readToken)).status).toBe(403);
	expect(await probe(relay.httpUrl, `${room}.history`, newToken)).toEqual({ status: 426, body: { access: 'member' } });
	const again = makeClient(relay.syncUrl, `${room}.history`, newToken, { readToken: newReadToken, header: true });
	await waitForSynced(again);
	await relay.close();
});

test('room ids with a part are checked like room ids', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	for (const bad of [`${room}.`, `${room}.History`, `${room}.a.b`, `${room}.${'a'.repeat(17)}`, `short.history`]) {
		const response = await fetch(`${relay.httpUrl}/sync/${bad}`, { headers: { Authorization: `Bearer ${randomToken()}` } });
		expect(response.status, bad).toBe(400);
		expect(await response.json()).toEqual({ error: 'bad-room-id' });
	}
	await relay.close();
});
