import { expect, test } from 'vitest';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import {
	heldDisk,
	makeClient,
	metric,
	metricsText,
	nextClose,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced,
	type TestRelay
} from './helpers.js';

function rotate(relay: TestRelay, room: string, auth: string | null, body: unknown): Promise<Response> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (auth !== null) headers['Authorization'] = auth;
	return fetch(`${relay.httpUrl}/rooms/${room}/rotate`, {
		method: 'POST',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

async function probe(relay: TestRelay, room: string, token: string): Promise<number> {
	return (await fetch(`${relay.httpUrl}/sync/${room}?token=${encodeURIComponent(token)}`)).status;
}

test('rotation refuses the old tokens from then on and closes their connections with 4403', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const lostPhone = makeClient(relay.syncUrl, room, token, { readToken });
	const reader = makeClient(relay.syncUrl, room, readToken);
	await Promise.all([waitForSynced(lostPhone), waitForSynced(reader)]);
	lostPhone.doc.getMap('fund').set('balance', 100);
	await waitFor(() => reader.doc.getMap('fund').get('balance') === 100, 'the reader to sync');
	const phoneClosed = nextClose(lostPhone);
	const readerClosed = nextClose(reader);
	const gaveUp = new Promise<number>((resolve) => lostPhone.provider.once('closed', (event) => resolve(event.code)));

	const newToken = randomToken();
	const newReadToken = randomToken();
	const response = await rotate(relay, room, `Bearer ${token}`, { token: newToken, readToken: newReadToken });
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toBe('application/json');
	expect(await response.json()).toEqual({ status: 'rotated' });

	expect(await phoneClosed).toEqual({ code: 4403, reason: 'token rotated' });
	expect(await readerClosed).toEqual({ code: 4403, reason: 'token rotated' });
	// 4403 is in the range the stock client takes as final: it stops reconnecting.
	expect(await gaveUp).toBe(4403);
	expect(await probe(relay, room, token)).toBe(403);
	expect(await probe(relay, room, readToken)).toBe(403);

	// The new tokens work at once, with the data intact.
	const member = makeClient(relay.syncUrl, room, newToken);
	const newReader = makeClient(relay.syncUrl, room, newReadToken);
	await Promise.all([waitForSynced(member), waitForSynced(newReader)]);
	expect(member.doc.getMap('fund').get('balance')).toBe(100);
	member.doc.getMap('fund').set('balance', 80);
	await waitFor(() => newReader.doc.getMap('fund').get('balance') === 80, 'the new reader to follow');
	const text = await metricsText(relay);
	expect(metric(text, 'relay_refusals_total', { reason: 'token-rotated' })).toBe(2);
});

test('rotation without a read token leaves the room without read-only access until a member brings one', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const first = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(first);
	const newToken = randomToken();
	expect((await rotate(relay, room, `bearer ${token}`, { token: newToken })).status).toBe(200);
	expect(await probe(relay, room, readToken)).toBe(403);
	const newReadToken = randomToken();
	const member = makeClient(relay.syncUrl, room, newToken, { readToken: newReadToken });
	await waitForSynced(member);
	expect(await (await fetch(`${relay.httpUrl}/sync/${room}?token=${newReadToken}`)).json()).toEqual({ access: 'read' });
});

test('rotation answers 401, 403, 400 and 404 for what it refuses, and changes nothing then', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const member = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(member);
	const next = { token: randomToken() };

	const cases: Array<[string, string | null, unknown, number, string]> = [
		['no Authorization', null, next, 401, 'unauthorized'],
		['not a bearer', `Basic ${token}`, next, 401, 'unauthorized'],
		['a wrong token', `Bearer ${randomToken()}`, next, 403, 'forbidden'],
		['the read-only token', `Bearer ${readToken}`, next, 403, 'forbidden'],
		['a body that is not JSON', `Bearer ${token}`, 'token=abc', 400, 'bad-body'],
		['no new token', `Bearer ${token}`, { readToken: randomToken() }, 400, 'bad-body'],
		['an empty token', `Bearer ${token}`, { token: '' }, 400, 'bad-body'],
		['a token that is not a string', `Bearer ${token}`, { token: 42 }, 400, 'bad-body'],
		['the same token twice', `Bearer ${token}`, { token: 'same', readToken: 'same' }, 400, 'bad-body'],
		['a huge body', `Bearer ${token}`, { token: 'x'.repeat(10_000) }, 400, 'bad-body'],
		['a one-character token', `Bearer ${token}`, { token: 'x' }, 400, 'bad-body'],
		['a short token', `Bearer ${token}`, { token: 'x'.repeat(31) }, 400, 'bad-body'],
		['a short read token', `Bearer ${token}`, { token: randomToken(), readToken: 'r'.repeat(31) }, 400, 'bad-body'],
		['a token with other characters', `Bearer ${token}`, { token: `${randomToken()}+/=` }, 400, 'bad-body']
	];
	for (const [name, auth, body, status, error] of cases) {
		const response = await rotate(relay, room, auth, body);
		expect(response.status, name).toBe(status);
		expect(await response.json(), name).toEqual({ error });
	}
	expect((await rotate(relay, randomRoomId(), `Bearer ${token}`, next)).status).toBe(404);
	expect((await rotate(relay, 'short', `Bearer ${token}`, next)).status).toBe(400);
	expect((await fetch(`${relay.httpUrl}/rooms/${room}/rotate`)).status).toBe(405);

	// Still the same tokens, and the member still connected.
	expect(await probe(relay, room, token)).toBe(426);
	expect(await probe(relay, room, readToken)).toBe(426);
	expect(member.provider.wsconnected).toBe(true);
});

test('a browser on another origin may ask to rotate (CORS preflight)', async () => {
	const relay = await startTestRelay();
	const response = await fetch(`${relay.httpUrl}/rooms/${randomRoomId()}/rotate`, {
		method: 'OPTIONS',
		headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' }
	});
	expect(response.status).toBe(204);
	expect(response.headers.get('access-control-allow-origin')).toBe('*');
	expect(response.headers.get('access-control-allow-methods')).toBe('POST');
	expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
});

test('a rotation closes the old connections at once, and is confirmed only once it is on disk', async () => {
	const disk = heldDisk();
	const dataDir = tempDir('held-disk');
	const relay = await startTestRelay({ dataDir, storage: openSqliteStorage({ dataDir, syncFile: disk.syncFile }) });
	const room = randomRoomId();
	const token = randomToken();
	const lostPhone = makeClient(relay.syncUrl, room, token);
	await waitForSynced(lostPhone);
	const phoneClosed = nextClose(lostPhone);

	let answered = false;
	const response = rotate(relay, room, `Bearer ${token}`, { token: randomToken() }).then((answer) => {
		answered = true;
		return answer;
	});
	expect(await phoneClosed).toEqual({ code: 4403, reason: 'token rotated' });
	expect(await probe(relay, room, token)).toBe(403);
	await new Promise((resolve) => setTimeout(resolve, 100));
	expect(answered).toBe(false);

	disk.release();
	expect((await response).status).toBe(200);
});
