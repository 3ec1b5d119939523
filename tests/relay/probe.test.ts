import { expect, test } from 'vitest';
import { makeClient, randomRoomId, randomToken, startTestRelay, waitForSynced } from './helpers.js';

test('a plain GET on the sync URL answers the upgrade’s checks, never the document', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const get = async (path: string): Promise<{ status: number; body: unknown; headers: Headers }> => {
		const response = await fetch(`${relay.httpUrl}${path}`);
		return { status: response.status, body: await response.json(), headers: response.headers };
	};

	// Asking about an unknown room does not claim it.
	const unclaimed = await get(`/sync/${room}?token=${token}`);
	expect(unclaimed.status).toBe(426);
	expect(unclaimed.body).toEqual({ access: 'unclaimed' });
	expect(unclaimed.headers.get('upgrade')).toBe('websocket');
	expect(unclaimed.headers.get('access-control-allow-origin')).toBe('*');
	expect((await get(`/sync/${room}?token=${randomToken()}`)).body).toEqual({ access: 'unclaimed' });

	const member = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(member);
	member.doc.getMap('fund').set('secret plan', 'do not leak');

	expect(await get(`/sync/${room}?token=${token}`)).toMatchObject({ status: 426, body: { access: 'member' } });
	expect(await get(`/sync/${room}?token=${readToken}`)).toMatchObject({ status: 426, body: { access: 'read' } });
	expect(await get(`/sync/${room}?token=${randomToken()}`)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
	expect(await get(`/sync/${room}`)).toMatchObject({ status: 401, body: { error: 'missing-token' } });
	expect(await get(`/sync/${room}?token=`)).toMatchObject({ status: 401 });
	expect(await get(`/sync/short?token=${token}`)).toMatchObject({ status: 400, body: { error: 'bad-room-id' } });

	const raw = await (await fetch(`${relay.httpUrl}/sync/${room}?token=${token}`)).text();
	expect(raw).not.toContain('do not leak');
	expect((await fetch(`${relay.httpUrl}/sync/${room}?token=${token}`, { method: 'POST' })).status).toBe(405);
});
