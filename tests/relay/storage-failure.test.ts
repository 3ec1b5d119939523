import { expect, test } from 'vitest';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import { makeClient, randomRoomId, randomToken, startTestRelay, waitFor, waitForSynced } from './helpers.js';

test('an update that cannot be stored is neither forwarded nor lost: the client sends it again later', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token);
	const watcher = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(writer), waitForSynced(watcher)]);
	const closes: number[] = [];
	writer.provider.on('connection-close', (event) => {
		if (event !== null) closes.push(event.code);
	});

	storage.failWrites = true;
	expect((await fetch(`${relay.httpUrl}/healthz`)).status).toBe(503);
	writer.doc.getMap('fund').set('balance', 300);
	await waitFor(() => closes.includes(1011), 'the relay to close the writer’s socket');
	// Give a forwarded update every chance to arrive: it must not.
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(watcher.doc.getMap('fund').has('balance')).toBe(false);

	storage.failWrites = false;
	expect((await fetch(`${relay.httpUrl}/healthz`)).status).toBe(200);
	// The provider reconnects by itself and its sync step 2 carries the change again.
	await waitFor(() => watcher.doc.getMap('fund').get('balance') === 300, 'the change to arrive after recovery');
	const stored = await storage.loadRoom(room);
	expect(stored.updates.length).toBeGreaterThan(0);
});
