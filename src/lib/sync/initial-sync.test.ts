import { onTestFinished, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { encodeSyncStep2, encodeSyncUpdate } from '../../../sync-server/src/protocol/messages.js';
import { makeClient, randomRoomId, randomToken, startTestRelay, waitFor, waitForSynced } from '../../../tests/relay/helpers';
import { applyAsReceived } from './apply-as-received';
import { applyFirstAnswerAtOnce } from './initial-sync';

const FIRST = 1;
const SECOND = 2 ** 30;

/**
 * A space whose first writer (a low client id) started a list, and whose second
 * writer (a high id, which Yjs encodes first) added a thousand entries after it:
 * cut in the order Yjs lists the writers, the second writer's changes come before
 * what they build on. Also the space as it was halfway through the second writer's
 * entries, and the first writer's part alone.
 */
function spaceOfTwoWriters(): { space: Y.Doc; halfway: Y.Doc; first: Y.Doc } {
	const first = new Y.Doc();
	first.clientID = FIRST;
	first.getArray<string>('activity').push(['created by the first writer']);
	const second = new Y.Doc();
	second.clientID = SECOND;
	Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
	const halfway = new Y.Doc();
	for (let i = 0; i < 1000; i++) {
		second.getArray<string>('activity').push([`entry ${i} by the second writer, long enough to fill the pieces`]);
		if (i === 499) Y.applyUpdate(halfway, Y.encodeStateAsUpdate(second));
	}
	const space = new Y.Doc();
	Y.applyUpdate(space, Y.encodeStateAsUpdate(second));
	return { space, halfway, first };
}

async function uploaded(syncUrl: string): Promise<{ room: string; token: string; content: string[] }> {
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(syncUrl, room, token, { doc: spaceOfTwoWriters().space, ack: true });
	await waitForSynced(writer);
	// Stored once a later reader gets it all.
	const probe = makeClient(syncUrl, room, token);
	await waitFor(() => probe.doc.getArray('activity').length === 1001, 'the relay to hold the space');
	probe.destroy();
	const content = writer.doc.getArray<string>('activity').toArray();
	writer.destroy();
	return { room, token, content };
}

/**
 * A relay of an older kind, which cut its first answer in the order Yjs lists the
 * writers: the first half of the second writer's entries, then the second half, then
 * the first writer's entry they all build on, as the step 2.
 */
async function olderRelay(): Promise<{ url: string; content: string[] }> {
	const { space, halfway, first } = spaceOfTwoWriters();
	const frames = [
		encodeSyncUpdate(Y.encodeStateAsUpdate(halfway, Y.encodeStateVector(first))),
		encodeSyncUpdate(Y.encodeStateAsUpdate(space, Y.encodeStateVector(halfway))),
		encodeSyncStep2(Y.encodeStateAsUpdate(first))
	];
	const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	server.on('connection', (socket) => {
		for (const frame of frames) socket.send(frame);
	});
	onTestFinished(
		() =>
			new Promise<void>((resolve) => {
				for (const client of server.clients) client.terminate();
				server.close(() => resolve());
			})
	);
	await new Promise((resolve) => server.once('listening', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: `ws://127.0.0.1:${port}`, content: space.getArray<string>('activity').toArray() };
}

describe('the first answer of the relay', () => {
	it('is applied piece by piece as it arrives, no piece leaving anything pending', async () => {
		const relay = await startTestRelay({ syncChunkBytes: 2048 });
		const { room, token, content } = await uploaded(relay.syncUrl);

		const newcomer = makeClient(relay.syncUrl, room, token, { connect: false });
		applyFirstAnswerAtOnce(newcomer.provider);
		let updates = 0;
		let pendingSeen = false;
		newcomer.doc.on('afterTransaction', () => (pendingSeen ||= newcomer.doc.store.pendingStructs !== null));
		// What the device's copy keeps: every update its listener is handed.
		const kept: Uint8Array[] = [];
		newcomer.doc.on('update', (update: Uint8Array) => {
			updates++;
			kept.push(update);
		});
		newcomer.provider.connect();
		await waitForSynced(newcomer);
		expect(newcomer.doc.getArray<string>('activity').toArray()).toEqual(content);
		// Many pieces, each applied on arrival.
		expect(updates).toBeGreaterThan(10);
		// Handed over as received, they make the same space again, as the copy will on the next opening.
		const reopened = new Y.Doc();
		for (const update of kept) Y.applyUpdate(reopened, update);
		expect(reopened.getArray<string>('activity').toArray()).toEqual(content);
		expect(Y.encodeStateVector(reopened)).toEqual(Y.encodeStateVector(newcomer.doc));
		expect(pendingSeen).toBe(false);
		expect(newcomer.doc.store.pendingStructs).toBeNull();

		// Once synced, each change is applied as it comes.
		const other = makeClient(relay.syncUrl, room, token);
		await waitForSynced(other);
		other.doc.getArray<string>('activity').push(['after the first answer']);
		await waitFor(() => newcomer.doc.getArray('activity').length === 1002, 'the next change');
		await relay.close();
	});

	it('from an older relay, whose pieces build on later ones, is kept from the first piece left pending and applied as one', async () => {
		const { url, content } = await olderRelay();
		const newcomer = makeClient(url, randomRoomId(), randomToken(), { connect: false });
		applyFirstAnswerAtOnce(newcomer.provider);
		let transactions = 0;
		newcomer.doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (transaction.origin === newcomer.provider) transactions++;
		});
		const kept: Uint8Array[] = [];
		newcomer.doc.on('update', (update: Uint8Array) => kept.push(update));
		newcomer.provider.connect();
		await waitForSynced(newcomer);
		expect(newcomer.doc.getArray<string>('activity').toArray()).toEqual(content);
		expect(newcomer.doc.store.pendingStructs).toBeNull();
		const reopened = new Y.Doc();
		for (const update of kept) Y.applyUpdate(reopened, update);
		expect(reopened.getArray<string>('activity').toArray()).toEqual(content);
		// The first piece, left pending; then the second with the step 2, merged: two.
		expect(transactions).toBe(2);
	});

	it('from an older relay, applied piece by piece by the stock client, leaves changes pending between pieces', async () => {
		const { url, content } = await olderRelay();
		const stock = makeClient(url, randomRoomId(), randomToken(), { connect: false });
		let transactions = 0;
		let pendingSeen = false;
		stock.doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (transaction.origin === stock.provider) transactions++;
			pendingSeen ||= stock.doc.store.pendingStructs !== null;
		});
		stock.provider.connect();
		await waitForSynced(stock);
		expect(stock.doc.getArray<string>('activity').toArray()).toEqual(content);
		expect(pendingSeen).toBe(true);
		expect(transactions).toBe(3);
	});
});

describe('a piece handed over as received', () => {
	function pieceOfAnotherDevice(): Uint8Array {
		const other = new Y.Doc();
		const list = other.getArray<string>('activity');
		for (let i = 0; i < 50; i++) list.push([`entry ${i}`]);
		return Y.encodeStateAsUpdate(other);
	}

	it('reaches the listeners as the very bytes received, without encoding it again', () => {
		const doc = new Y.Doc();
		const piece = pieceOfAnotherDevice();
		const handed: Array<{ update: Uint8Array; origin: unknown }> = [];
		doc.on('update', (update: Uint8Array, origin: unknown) => handed.push({ update, origin }));
		applyAsReceived(doc, piece, 'relay');
		expect(handed).toHaveLength(1);
		expect(handed[0]?.update).toBe(piece);
		expect(handed[0]?.origin).toBe('relay');
		expect(doc.getArray('activity').length).toBe(50);
		// The listeners are still there for what comes next.
		doc.getArray<string>('activity').push(['a local write']);
		expect(handed).toHaveLength(2);
	});

	it('copies a piece that is a view into a larger message, so the copy keeps only the piece', () => {
		const doc = new Y.Doc();
		const piece = pieceOfAnotherDevice();
		const message = new Uint8Array(piece.length + 10);
		message.set(piece, 5);
		const handed: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => handed.push(update));
		applyAsReceived(doc, message.subarray(5, 5 + piece.length), 'relay');
		expect(handed[0]?.buffer.byteLength).toBe(piece.length);
		expect(handed[0]).toEqual(piece);
	});

	it('hands over an encoded update that holds a write made while the piece applied', () => {
		const doc = new Y.Doc();
		const notes = doc.getArray<string>('notes');
		// A write of this device made from an observer, in the middle of the piece's application.
		doc.getArray('activity').observe(() => {
			if (notes.length === 0) notes.push(['written while the piece applied']);
		});
		const handed: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => handed.push(update));
		applyAsReceived(doc, pieceOfAnotherDevice(), 'relay');
		const copy = new Y.Doc();
		for (const update of handed) Y.applyUpdate(copy, update);
		expect(copy.getArray('notes').toArray()).toEqual(['written while the piece applied']);
		expect(copy.getArray('activity').length).toBe(50);
	});

	it('applies as usual with nobody listening', () => {
		const doc = new Y.Doc();
		applyAsReceived(doc, pieceOfAnotherDevice(), 'relay');
		expect(doc.getArray('activity').length).toBe(50);
		doc.on('update', () => {});
		expect(() => doc.getArray<string>('activity').push(['next'])).not.toThrow();
	});
});
