import { expect, test } from 'vitest';
import {
	captureStoredAcks,
	covers,
	health,
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

test('an empty room leaves memory after the idle delay and comes back with its data', async () => {
	const relay = await startTestRelay({ idleUnloadMs: 100 });
	const room = randomRoomId();
	const token = randomToken();
	const first = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(first);
	await waitForSynced(first);
	first.doc.getMap('bookings').set('b1', { resource: 'hall', from: '2025-03-01T18:00' });
	await waitFor(() => acks.some((sv) => covers(sv, first.doc)), 'the booking to be stored');
	expect(await health(relay)).toMatchObject({ rooms: 1, connections: 1 });

	first.destroy();
	await waitFor(async () => (await health(relay)).connections === 0, 'the connection to close');
	// Still loaded right after the last client left…
	expect((await health(relay)).rooms).toBe(1);
	// …and gone after the idle delay.
	await waitFor(async () => (await health(relay)).rooms === 0, 'the room to unload');

	const second = makeClient(relay.syncUrl, room, token);
	await waitForSynced(second);
	expect(second.doc.getMap('bookings').get('b1')).toEqual({ resource: 'hall', from: '2025-03-01T18:00' });
	expect((await health(relay)).rooms).toBe(1);
});

test('a client coming back within the idle delay keeps the room loaded', async () => {
	const relay = await startTestRelay({ idleUnloadMs: 400 });
	const room = randomRoomId();
	const token = randomToken();
	const first = makeClient(relay.syncUrl, room, token);
	await waitForSynced(first);
	first.doc.getArray('x').push([1]);
	first.destroy();
	await waitFor(async () => (await health(relay)).connections === 0, 'the connection to close');
	const second = makeClient(relay.syncUrl, room, token);
	await waitForSynced(second);
	await new Promise((resolve) => setTimeout(resolve, 600));
	expect(await health(relay)).toMatchObject({ rooms: 1, connections: 1 });
	expect(second.doc.getArray('x').toArray()).toEqual([1]);
});
