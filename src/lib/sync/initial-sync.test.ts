import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeClient, randomRoomId, randomToken, startTestRelay, waitFor, waitForSynced } from '../../../tests/relay/helpers';
import { applyFirstAnswerAtOnce } from './initial-sync';

/**
 * A space whose first writer (a low client id) started a list, and whose second
 * writer (a high id, which Yjs encodes first) added a thousand entries after it:
 * cut in pieces, the second writer's changes come before what they build on.
 */
function spaceOfTwoWriters(): Y.Doc {
	const first = new Y.Doc();
	first.clientID = 1;
	first.getArray<string>('activity').push(['created by the first writer']);
	const second = new Y.Doc();
	second.clientID = 2 ** 30;
	Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
	for (let i = 0; i < 1000; i++) second.getArray<string>('activity').push([`entry ${i} by the second writer, long enough to fill the pieces`]);
	const space = new Y.Doc();
	Y.applyUpdate(space, Y.encodeStateAsUpdate(second));
	return space;
}

async function uploaded(syncUrl: string): Promise<{ room: string; token: string; content: string[] }> {
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(syncUrl, room, token, { doc: spaceOfTwoWriters(), ack: true });
	await waitForSynced(writer);
	// Stored once a later reader gets it all.
	const probe = makeClient(syncUrl, room, token);
	await waitFor(() => probe.doc.getArray('activity').length === 1001, 'the relay to hold the space');
	probe.destroy();
	const content = writer.doc.getArray<string>('activity').toArray();
	writer.destroy();
	return { room, token, content };
}

describe('the first answer of the relay', () => {
	it('is applied as one update, with nothing left pending, however many pieces it came in', async () => {
		const relay = await startTestRelay({ syncChunkBytes: 2048 });
		const { room, token, content } = await uploaded(relay.syncUrl);

		const newcomer = makeClient(relay.syncUrl, room, token, { connect: false });
		applyFirstAnswerAtOnce(newcomer.provider);
		let updates = 0;
		let pendingSeen = false;
		newcomer.doc.on('update', () => {
			updates++;
			pendingSeen ||= newcomer.doc.store.pendingStructs !== null;
		});
		newcomer.provider.connect();
		await waitForSynced(newcomer);
		expect(newcomer.doc.getArray<string>('activity').toArray()).toEqual(content);
		expect(updates).toBe(1);
		expect(pendingSeen).toBe(false);
		expect(newcomer.doc.store.pendingStructs).toBeNull();

		// Once synced, each change is applied as it comes.
		const other = makeClient(relay.syncUrl, room, token);
		await waitForSynced(other);
		other.doc.getArray<string>('activity').push(['after the first answer']);
		await waitFor(() => newcomer.doc.getArray('activity').length === 1002, 'the next change');
		expect(updates).toBe(2);
		await relay.close();
	});

	it('came in pieces that the stock client applies one by one, leaving changes pending between them', async () => {
		const relay = await startTestRelay({ syncChunkBytes: 2048 });
		const { room, token, content } = await uploaded(relay.syncUrl);
		const stock = makeClient(relay.syncUrl, room, token, { connect: false });
		let pendingSeen = false;
		stock.doc.on('afterTransaction', () => (pendingSeen ||= stock.doc.store.pendingStructs !== null));
		stock.provider.connect();
		await waitForSynced(stock);
		expect(stock.doc.getArray<string>('activity').toArray()).toEqual(content);
		expect(pendingSeen).toBe(true);
		await relay.close();
	});
});
