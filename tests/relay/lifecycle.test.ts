import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { health, makeClient, randomRoomId, randomToken, startTestRelay, waitFor, waitForSynced } from './helpers.js';

test('closing the relay says "going away" (1001) to every client and stores what it received', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const client = makeClient(relay.syncUrl, room, token);
	const closes: number[] = [];
	client.provider.on('connection-close', (event) => {
		if (event !== null) closes.push(event.code);
	});
	await waitForSynced(client);
	client.doc.getMap('m').set('last words', true);
	await relay.close();
	// The relay is done once the client answered its close frame; the client's own close
	// event comes when the connection ends, a moment later.
	await waitFor(() => closes.length > 0, 'the client to see the close');
	expect(closes).toContain(1001);
	client.destroy();

	const again = await startTestRelay({ dataDir: relay.dataDir });
	const reader = makeClient(again.syncUrl, room, token);
	await waitForSynced(reader);
	expect(reader.doc.getMap('m').get('last words')).toBe(true);
});

test('a socket that stops answering pings is dropped', async () => {
	const relay = await startTestRelay({ pingIntervalMs: 250 });
	const room = randomRoomId();
	const token = randomToken();
	// autoPong off: the peer looks alive at the TCP level but never answers.
	const silent = new WebSocket(`${relay.syncUrl}/${room}?token=${token}&readToken=${randomToken()}`, {
		autoPong: false
	});
	silent.on('error', () => {});
	const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
	const healthy = makeClient(relay.syncUrl, room, token);
	await waitForSynced(healthy);
	expect(await closed).toBe(1006);
	// Answering clients stay connected across ping rounds.
	await new Promise((resolve) => setTimeout(resolve, 600));
	await waitFor(
		async () => (await health(relay)).connections === 1 && healthy.provider.wsconnected,
		'only the healthy client to remain'
	);
});
