import { expect, test } from 'vitest';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import {
	committedSpace,
	makeClient,
	nextClose,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced,
	type CommittedSpace,
	type TestRelay
} from './helpers.js';

function rotate(relay: TestRelay, room: string, bearer: string, body: { token: string; readToken?: string }) {
	return fetch(`${relay.httpUrl}/rooms/${room}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body)
	});
}

async function access(relay: TestRelay, room: string, token: string): Promise<string> {
	const response = await fetch(`${relay.httpUrl}/sync/${room}`, { headers: { Authorization: `Bearer ${token}` } });
	return response.status === 426 ? ((await response.json()) as { access: string }).access : String(response.status);
}

function member(relay: TestRelay, space: CommittedSpace, token = space.token, readToken = space.readToken) {
	return makeClient(relay.syncUrl, space.roomId, token, {
		readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
}

test('whoever holds a lost phone rotates first; the recovery token brings the members back and shuts the phone out', async () => {
	const relay = await startTestRelay();
	const space = committedSpace();
	const alice = member(relay, space);
	await waitForSynced(alice);
	alice.doc.getMap('fund').set('balance', 1500);
	// The lost phone holds what every member device holds: member token, claim secret, recovery hash.
	const phone = member(relay, space);
	await waitFor(() => phone.doc.getMap('fund').get('balance') === 1500, 'the phone to sync');

	// Its new holder rotates, with the member token, to tokens only they know.
	const aliceClosed = nextClose(alice);
	const thief = { token: randomToken(), readToken: randomToken() };
	expect((await rotate(relay, space.roomId, space.token, thief)).status).toBe(200);
	expect(await aliceClosed).toEqual({ code: 4403, reason: 'token rotated' });
	phone.destroy();
	const squatter = member(relay, space, thief.token, thief.readToken);
	await waitForSynced(squatter);
	// The members are locked out, and a second rotation with their old token is refused.
	expect(await access(relay, space.roomId, space.token)).toBe('403');
	expect((await rotate(relay, space.roomId, space.token, { token: randomToken() })).status).toBe(403);

	// The collective's recovery key, kept off every device, wins whatever the member token is.
	const squatterClosed = nextClose(squatter);
	const recovered = { token: randomToken(), readToken: randomToken() };
	const response = await rotate(relay, space.roomId, space.recoveryToken, recovered);
	expect(response.status).toBe(200);
	expect(await response.json()).toEqual({ status: 'recovered' });
	expect(await squatterClosed).toEqual({ code: 4403, reason: 'token rotated' });
	expect(await access(relay, space.roomId, thief.token)).toBe('403');
	expect(await access(relay, space.roomId, thief.readToken)).toBe('403');
	// The thief's tokens cannot rotate again; the recovery key still can.
	expect((await rotate(relay, space.roomId, thief.token, { token: randomToken() })).status).toBe(403);

	const back = member(relay, space, recovered.token, recovered.readToken);
	await waitForSynced(back);
	expect(back.doc.getMap('fund').get('balance')).toBe(1500);
	expect(await access(relay, space.roomId, recovered.readToken)).toBe('read');
	// The recovery hash did not move: the recovery key works again later.
	const again = { token: randomToken(), readToken: randomToken() };
	expect(await (await rotate(relay, space.roomId, space.recoveryToken, again)).json()).toEqual({ status: 'recovered' });
});

test('a room claimed without a recovery hash has no recovery: any other bearer is refused', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const client = makeClient(relay.syncUrl, room, token, { readToken: randomToken() });
	await waitForSynced(client);
	expect((await rotate(relay, room, randomToken(), { token: randomToken() })).status).toBe(403);
	// A recovery token of another space is just a wrong token here.
	const other = committedSpace();
	expect((await rotate(relay, room, other.recoveryToken, { token: randomToken() })).status).toBe(403);
	expect(await access(relay, room, token)).toBe('member');
});

test('a rotation retried after its answer was lost succeeds again, and changes nothing more', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const client = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(client);
	client.doc.getMap('m').set('k', 'v');
	const next = { token: randomToken(), readToken: randomToken() };
	expect((await rotate(relay, room, token, next)).status).toBe(200);
	const after = await storage.roomAccess(room);

	// The app never saw that answer: it sends the same request again, with the old token.
	const retry = await rotate(relay, room, token, next);
	expect(retry.status).toBe(200);
	expect(await retry.json()).toEqual({ status: 'rotated' });
	expect(await storage.roomAccess(room)).toEqual(after);
	// A retry with other new tokens is not the same request: the old token is dead.
	expect((await rotate(relay, room, token, { token: randomToken(), readToken: randomToken() })).status).toBe(403);
	// Nor is one that would drop the read token.
	expect((await rotate(relay, room, token, { token: next.token })).status).toBe(403);
	const member = makeClient(relay.syncUrl, room, next.token, { readToken: next.readToken });
	await waitFor(() => member.doc.getMap('m').get('k') === 'v', 'the data under the new token');
});
