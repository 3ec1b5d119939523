import * as encoding from 'lib0/encoding';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import {
	deepAnyUpdate,
	deepEmbedUpdate,
	deepFormatUpdate,
	deepJsonUpdate,
	deepSubdocUpdate,
	nestedMapsUpdate
} from './deep-updates.js';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import { hashToken } from '../../sync-server/src/access/token.js';
import { checkUpdateNesting } from '../../sync-server/src/protocol/update-nesting.js';
import {
	health,
	makeClient,
	metric,
	metricsText,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

const DEEP = 20_000;

/** A sync update message (y-websocket: sync, update) carrying `update`. */
function syncUpdateFrame(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/**
 * A member's raw socket: sends one frame once the relay spoke, and reports how it was
 * closed, or that it was still open two seconds later (the update was taken).
 */
function sendAsMember(url: string, frame: Uint8Array): Promise<{ code: number; reason: string } | 'still open'> {
	return new Promise((resolve) => {
		const socket = new WebSocket(url);
		socket.on('error', () => {});
		socket.once('message', () => socket.send(frame));
		socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
		setTimeout(() => {
			resolve('still open');
			socket.close();
		}, 2_000);
	});
}

test('a member’s update nested thousands of levels deep is refused (1008, too-deep), not stored, not forwarded', async () => {
	const logs: string[] = [];
	const record = (fields: object, msg: string): void => void logs.push(`${msg} ${JSON.stringify(fields)}`);
	const relay = await startTestRelay({ logger: { debug: record, info: record, warn: record, error: record } });
	const room = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, room, token);
	const bob = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(alice), waitForSynced(bob)]);
	alice.doc.getMap('resources').set('hall', { kind: 'space', capacity: 80 });
	await waitFor(() => bob.doc.getMap('resources').has('hall'), 'bob to see the hall');
	const bobUpdates: Uint8Array[] = [];
	bob.doc.on('update', (update: Uint8Array) => bobUpdates.push(update));
	const persistedBefore = metric(await metricsText(relay), 'relay_updates_persisted_total');

	// Without the relay in front, each of these breaks a device: the first two overflow
	// Y.applyUpdate, the JSON ones every later encoding of the document (update-nesting.test.ts).
	expect(() => Y.applyUpdate(new Y.Doc(), deepAnyUpdate(1234, DEEP))).toThrow(RangeError);
	const crafted: Array<[string, Uint8Array]> = [
		['deep array value', deepAnyUpdate(1234, DEEP, 'array', 'resources-list')],
		['deep object value', deepAnyUpdate(1235, DEEP, 'object', 'resources-list')],
		['deep JSON content', deepJsonUpdate(1236, DEEP, 'array', 'resources-list')],
		['deep JSON objects', deepJsonUpdate(1237, DEEP, 'object', 'resources-list')],
		['deep embed', deepEmbedUpdate(1238, DEEP)],
		['deep format', deepFormatUpdate(1239, DEEP)],
		['deep subdocument options', deepSubdocUpdate(1240, DEEP, 'resources-list')],
		['ten thousand nested maps', nestedMapsUpdate(10_000)]
	];
	const url = `${relay.syncUrl}/${room}?token=${token}`;
	const outcomes: Array<[string, unknown]> = [];
	for (const [name, update] of crafted) outcomes.push([name, await sendAsMember(url, syncUpdateFrame(update))]);
	expect(outcomes).toEqual(crafted.map(([name]) => [name, { code: 1008, reason: 'too-deep' }]));

	const metrics = await metricsText(relay);
	expect(metric(metrics, 'relay_frames_rejected_total', { reason: 'too-deep' })).toBe(crafted.length);
	expect(metric(metrics, 'relay_updates_persisted_total')).toBe(persistedBefore);
	expect(metric(metrics, 'relay_errors_total', { where: 'room' })).toBe(0);
	// Logged, without the update's bytes.
	const refusals = logs.filter((line) => line.includes('too-deep'));
	expect(refusals).toHaveLength(crafted.length);
	for (const line of refusals) {
		expect(line).toContain('nested deeper than 64 levels');
		expect(line.length).toBeLessThan(400);
		expect(line).not.toContain('[[[[');
	}

	// The others are still there and still talk; bob got none of it.
	expect((await health(relay)).connections).toBe(2);
	alice.doc.getMap('resources').set('van', { kind: 'vehicle', capacity: 3 });
	await waitFor(() => bob.doc.getMap('resources').has('van'), 'bob to see the van');
	expect(bob.doc.getArray('resources-list').length).toBe(0);
	expect(bob.doc.getMap('deep-maps').size).toBe(0);
	expect(bobUpdates.every((update) => update.byteLength < 1000)).toBe(true);

	// A new device joins and gets a document that applies, encodes and reads.
	const carol = makeClient(relay.syncUrl, room, token);
	await waitForSynced(carol);
	expect(carol.doc.getMap('resources').toJSON()).toEqual({
		hall: { kind: 'space', capacity: 80 },
		van: { kind: 'vehicle', capacity: 3 }
	});
	const carolState = Y.encodeStateAsUpdate(carol.doc);
	const fresh = new Y.Doc();
	Y.applyUpdate(fresh, carolState);
	expect(fresh.getMap('resources').toJSON()).toEqual(carol.doc.getMap('resources').toJSON());
	expect(carol.doc.getArray('resources-list').length).toBe(0);
	expect(carol.doc.getText('deep-text').length).toBe(0);
});

test('a document nesting maps five deep, and values sixty-four deep, goes through', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, room, token);
	const bob = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(alice), waitForSynced(bob)]);

	alice.doc.transact(() => {
		let map = alice.doc.getMap<unknown>('inventory');
		for (let level = 1; level < 5; level++) {
			const inner = new Y.Map<unknown>();
			map.set('inner', inner);
			map = inner;
		}
		let value: unknown = 'core';
		for (let level = 0; level < 64; level++) value = [value];
		map.set('value', value);
	});
	const inventory = (doc: Y.Doc): string => JSON.stringify(doc.getMap('inventory').toJSON());
	await waitFor(() => inventory(bob.doc) === inventory(alice.doc), 'bob to get the maps');
	expect(inventory(bob.doc)).toContain('"core"');
	const metrics = await metricsText(relay);
	expect(metric(metrics, 'relay_frames_rejected_total', { reason: 'too-deep' })).toBe(0);

	const carol = makeClient(relay.syncUrl, room, token);
	await waitForSynced(carol);
	expect(inventory(carol.doc)).toBe(inventory(alice.doc));
});

test('deep updates stored before the relay refused them are left out on load, then dropped from the log', async () => {
	const dataDir = tempDir('deep');
	const room = randomRoomId();
	const token = randomToken();
	const before = new Y.Doc();
	before.getMap('resources').set('hall', { kind: 'space', capacity: 80 });
	const seed = openSqliteStorage({ dataDir });
	await seed.claimRoom(room, hashToken(token));
	await seed.appendUpdate(room, Y.encodeStateAsUpdate(before));
	await seed.appendUpdate(room, deepJsonUpdate(4321, DEEP, 'array', 'resources-list'));
	await seed.appendUpdate(room, deepAnyUpdate(4322, DEEP, 'object', 'resources-list'));
	await seed.close();

	const relay = await startTestRelay({ dataDir, compactAfterUpdates: 3 });
	const alice = makeClient(relay.syncUrl, room, token);
	await waitForSynced(alice);
	expect(alice.doc.getMap('resources').toJSON()).toEqual({ hall: { kind: 'space', capacity: 80 } });
	expect(alice.doc.getArray('resources-list').length).toBe(0);
	expect(() => Y.encodeStateAsUpdate(alice.doc)).not.toThrow();
	// One more entry makes the log due for a snapshot, which covers the deep ones.
	alice.doc.getMap('resources').set('van', { kind: 'vehicle', capacity: 3 });
	await waitFor(async () => metric(await metricsText(relay), 'relay_compactions_total') >= 1, 'a compaction');
	await relay.close();

	const after = openSqliteStorage({ dataDir });
	const stored = await after.loadRoom(room);
	await after.close();
	for (const update of stored.updates) expect(() => checkUpdateNesting(update.data)).not.toThrow();
	const reloaded = new Y.Doc();
	for (const part of [stored.snapshot?.data, ...stored.updates.map((u) => u.data)]) {
		if (part !== undefined) Y.applyUpdate(reloaded, part);
	}
	expect(reloaded.getMap('resources').toJSON()).toEqual({
		hall: { kind: 'space', capacity: 80 },
		van: { kind: 'vehicle', capacity: 3 }
	});
	expect(() => Y.encodeStateAsUpdate(reloaded)).not.toThrow();
});
