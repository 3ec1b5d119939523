import { connect, type Socket } from 'node:net';
import { expect, onTestFinished, test } from 'vitest';
import { makeClient, metric, metricsText, randomRoomId, randomToken, startTestRelay, waitFor, waitForSynced } from './helpers.js';

/** A raw TCP connection to the relay that records what it received and when it closed. */
function rawConnection(port: number): { socket: Socket; received: () => string; closed: Promise<number> } {
	const started = Date.now();
	const socket = connect(port, '127.0.0.1');
	let data = '';
	socket.on('data', (chunk) => (data += chunk.toString('latin1')));
	socket.on('error', () => {});
	onTestFinished(() => void socket.destroy());
	const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
	return { socket, received: () => data, closed };
}

test('a plain request that is slow to send its headers, or its body, is cut short; WebSockets are not', async () => {
	const relay = await startTestRelay({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
	const room = randomRoomId();
	const token = randomToken();
	const member = makeClient(relay.syncUrl, room, token);
	await waitForSynced(member);

	// Headers that never end (slowloris).
	const headers = rawConnection(relay.port);
	headers.socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n');
	const keepTalking = setInterval(() => headers.socket.write('X-Slow: 1\r\n'), 100);
	onTestFinished(() => clearInterval(keepTalking));
	// A body announced and never sent.
	const body = rawConnection(relay.port);
	body.socket.write(
		`POST /rooms/${room}/rotate HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${token}\r\n` +
			'Content-Length: 100\r\n\r\n{'
	);

	expect(await headers.closed).toBeLessThan(3000);
	clearInterval(keepTalking);
	expect(headers.received()).toMatch(/^HTTP\/1\.1 408/);
	expect(await body.closed).toBeLessThan(4000);
	expect(body.received()).toMatch(/^HTTP\/1\.1 408/);

	// The WebSocket opened before has lived past both timeouts, and still syncs.
	expect(member.provider.wsconnected).toBe(true);
	const other = makeClient(relay.syncUrl, room, token);
	await waitForSynced(other);
	member.doc.getMap('m').set('after', 'timeouts');
	await waitFor(() => other.doc.getMap('m').get('after') === 'timeouts', 'an update over the old socket');
});

test('one address holds a bounded number of plain sockets at once; WebSockets do not count', async () => {
	const relay = await startTestRelay({ maxHttpSocketsPerAddress: 3 });
	const room = randomRoomId();
	const token = randomToken();
	// Three WebSockets from the same address: outside the count once upgraded.
	const clients = [0, 1, 2].map(() => makeClient(relay.syncUrl, room, token));
	await Promise.all(clients.map(waitForSynced));

	const idle = [0, 1, 2].map(() => rawConnection(relay.port));
	await Promise.all(idle.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
	await new Promise((resolve) => setTimeout(resolve, 100));
	const fourth = rawConnection(relay.port);
	fourth.socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n');
	await fourth.closed;
	expect(fourth.received()).toBe('');

	idle[0]!.socket.destroy();
	await idle[0]!.closed;
	await waitFor(async () => {
		try {
			return (await fetch(`${relay.httpUrl}/healthz`)).status === 200;
		} catch {
			return false;
		}
	}, 'a plain request to be served again');
	for (const { socket } of idle) socket.destroy();
	await Promise.all(idle.map(({ closed }) => closed));
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'too-many-http-sockets' })).toBeGreaterThanOrEqual(1);
	for (const client of clients) expect(client.provider.wsconnected).toBe(true);
});

test('a trusted proxy, which carries a whole site’s sockets, is not held to the per-address cap', async () => {
	const relay = await startTestRelay({ maxHttpSocketsPerAddress: 1, trustedProxies: ['127.0.0.1', '::1'] });
	const idle = [0, 1, 2].map(() => rawConnection(relay.port));
	await Promise.all(idle.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
	const response = await fetch(`${relay.httpUrl}/healthz`);
	expect(response.status).toBe(200);
	for (const { socket } of idle) socket.destroy();
});
