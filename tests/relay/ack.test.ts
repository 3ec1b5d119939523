import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import {
	captureStoredAcks,
	covers,
	heldDisk,
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

test('a client that asks for acknowledgements gets type-8 state vectors covering its stored edits', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const client = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(client);
	await waitForSynced(client);
	// One right after the initial sync, even with nothing to store.
	await waitFor(() => acks.length === 1, 'the initial acknowledgement');
	expect(Y.decodeStateVector(acks[0]!).size).toBe(0);

	const needs = client.doc.getArray<string>('needs');
	for (let n = 0; n < 100; n++) needs.push([`need ${n}`]);
	await waitFor(() => acks.some((sv) => covers(sv, client.doc)), 'an acknowledgement covering 100 edits');
	const last = Y.decodeStateVector(acks.at(-1)!);
	expect(last.get(client.doc.clientID)).toBe(Y.decodeStateVector(Y.encodeStateVector(client.doc)).get(client.doc.clientID));
	// Debounced: a burst of 100 updates does not cost 100 acknowledgements.
	expect(acks.length).toBeLessThan(10);
});

test('acknowledgements are opt-in: a stock client never receives type 8', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const stock = makeClient(relay.syncUrl, room, token);
	const unexpected = captureStoredAcks(stock);
	const acked = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(acked);
	await Promise.all([waitForSynced(stock), waitForSynced(acked)]);

	stock.doc.getText('t').insert(0, 'from the stock client');
	acked.doc.getText('t').insert(0, 'acked: ');
	await waitFor(() => stock.doc.getText('t').length === acked.doc.getText('t').length, 'both texts to converge');
	await waitFor(() => acks.some((sv) => covers(sv, acked.doc)), 'the acked client’s acknowledgement');
	// The acknowledgement is the room's state: it covers the other client's edit too.
	expect(covers(acks.at(-1)!, stock.doc)).toBe(true);
	await new Promise((resolve) => setTimeout(resolve, 150));
	expect(unexpected).toEqual([]);
});

test('an update reaches the others as soon as it is in the file; its acknowledgement waits for the disk', async () => {
	const disk = heldDisk();
	const dataDir = tempDir('held-disk');
	const relay = await startTestRelay({ dataDir, storage: openSqliteStorage({ dataDir, syncFile: disk.syncFile }), ackDelayMs: 10 });
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token, { ack: true });
	const reader = makeClient(relay.syncUrl, room, token);
	const acks = captureStoredAcks(writer);
	await Promise.all([waitForSynced(writer), waitForSynced(reader)]);

	writer.doc.getMap('stock').set('flour', 12);
	await waitFor(() => reader.doc.getMap('stock').get('flour') === 12, 'the fan-out, before any disk sync');
	await new Promise((resolve) => setTimeout(resolve, 100));
	expect(acks.filter((sv) => covers(sv, writer.doc))).toEqual([]);
	expect(disk.waiting()).toBeGreaterThan(0);

	disk.release();
	await waitFor(() => acks.some((sv) => covers(sv, writer.doc)), 'the acknowledgement, once synced');
});
