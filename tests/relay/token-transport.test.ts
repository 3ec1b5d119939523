import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import {
	captureStoredAcks,
	committedSpace,
	covers,
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

/** Opens a socket and reports the HTTP status of a refusal, or the subprotocol of an accepted upgrade. */
function open(url: string, protocols: string[]): Promise<{ status: number | null; protocol: string | null }> {
	return new Promise((resolve) => {
		const socket = new WebSocket(url, protocols);
		socket.on('error', () => {});
		socket.on('unexpected-response', (_request, response) => {
			response.resume();
			socket.terminate();
			resolve({ status: response.statusCode ?? null, protocol: null });
		});
		socket.on('open', () => {
			resolve({ status: null, protocol: socket.protocol });
			socket.close();
		});
	});
}

test('credentials travel in the subprotocol header; the URL carries none, and the relay answers passerelle.2', async () => {
	const relay = await startTestRelay();
	const space = committedSpace();
	const member = makeClient(relay.syncUrl, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		ack: true,
		header: true
	});
	const acks = captureStoredAcks(member);
	await waitForSynced(member);
	expect(member.provider.url).toBe(`${relay.syncUrl}/${space.roomId}`);
	expect(member.provider.ws?.protocol).toBe('passerelle.2');
	// `ack` in the header asks for the stored acknowledgements, as ?ack=1 does.
	member.doc.getMap('m').set('k', 'v');
	await waitFor(() => acks.some((sv) => covers(sv, member.doc)), 'the update to be acknowledged');

	const url = `${relay.syncUrl}/${space.roomId}`;
	expect(await open(url, ['passerelle.2', `t.${space.readToken}`])).toEqual({ status: null, protocol: 'passerelle.2' });
	expect(await open(url, ['passerelle.2', `t.${randomToken()}`])).toEqual({ status: 403, protocol: null });
	expect(await open(url, ['passerelle.2'])).toEqual({ status: 401, protocol: null });
	// With passerelle.2 offered, a token in the URL is not read.
	expect(await open(`${url}?token=${space.token}`, ['passerelle.2'])).toEqual({ status: 401, protocol: null });
	// An older client, with its token in the query string and no subprotocol, still gets in.
	const old = makeClient(relay.syncUrl, space.roomId, space.token);
	await waitFor(() => old.doc.getMap('m').get('k') === 'v', 'an older client to sync');
	expect(old.provider.ws?.protocol).toBe('');
});

test('the probe reads its token from Authorization: Bearer, and a browser may send that header', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const probe = async (headers: Record<string, string>, query = '') => {
		const response = await fetch(`${relay.httpUrl}/sync/${room}${query}`, { headers });
		return { status: response.status, body: await response.json() };
	};
	expect(await probe({ Authorization: `Bearer ${token}` })).toEqual({ status: 426, body: { access: 'unclaimed' } });
	const member = makeClient(relay.syncUrl, room, token, { readToken, header: true });
	await waitForSynced(member);
	expect(await probe({ Authorization: `Bearer ${token}` })).toEqual({ status: 426, body: { access: 'member' } });
	expect(await probe({ Authorization: `Bearer ${readToken}` })).toEqual({ status: 426, body: { access: 'read' } });
	expect(await probe({ Authorization: `Bearer ${randomToken()}` })).toEqual({ status: 403, body: { error: 'forbidden' } });
	expect(await probe({})).toEqual({ status: 401, body: { error: 'missing-token' } });
	// The query form, for older apps.
	expect(await probe({}, `?token=${readToken}`)).toEqual({ status: 426, body: { access: 'read' } });

	const preflight = await fetch(`${relay.httpUrl}/sync/${room}`, {
		method: 'OPTIONS',
		headers: {
			Origin: 'https://app.example',
			'Access-Control-Request-Method': 'GET',
			'Access-Control-Request-Headers': 'authorization'
		}
	});
	expect(preflight.status).toBe(204);
	expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
	expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
});
