import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { generator, int, pick, string } from '../../src/lib/testing/random.js';
import { makeClient, randomRoomId, randomToken, startTestRelay, tempDir, waitFor, waitForSynced, type TestClient } from './helpers.js';

/** Five members editing the same lists, texts and maps through the relay, each building on the others'. */
async function busyRoom(syncUrl: string, room: string, token: string, halfway: Uint8Array[] = []): Promise<Y.Doc> {
	const gen = generator(1414);
	const members: TestClient[] = [];
	for (let n = 0; n < 5; n++) {
		const doc = new Y.Doc();
		// Low and high ids alike: Yjs lists the writers by id, highest first.
		doc.clientID = n % 2 === 0 ? 10 + n : 2 ** 31 - n;
		members.push(makeClient(syncUrl, room, token, { doc }));
	}
	await Promise.all(members.map(waitForSynced));
	for (let round = 0; round < 60; round++) {
		for (const member of members) {
			member.doc.transact(() => {
				const ledger = member.doc.getArray<unknown>('ledger');
				for (let k = 0; k < 8; k++) {
					ledger.insert(int(gen, 0, ledger.length), [{ round, k, label: string(gen, 10, 40) }]);
				}
				if (ledger.length > 20 && int(gen, 0, 3) === 0) ledger.delete(int(gen, 0, ledger.length - 3), 2);
				const minutes = member.doc.getText('minutes');
				minutes.insert(int(gen, 0, minutes.length), `${string(gen, 5, 30)} `);
				const needs = member.doc.getArray<Y.Map<unknown>>('needs');
				if (needs.length > 0 && int(gen, 0, 1) === 0) {
					pick(gen, needs.toArray()).set('state', pick(gen, ['open', 'met']));
				} else {
					const need = new Y.Map<unknown>();
					need.set('label', string(gen, 5, 20));
					needs.insert(int(gen, 0, needs.length), [need]);
				}
			});
		}
		// Each round, everyone hears of everyone before writing again.
		const expected = members[0]!.doc;
		await waitFor(
			() => members.every((m) => Y.encodeStateVector(m.doc).join() === Y.encodeStateVector(expected).join()),
			'the members to converge'
		);
		if (round === 30) halfway.push(Y.encodeStateAsUpdate(expected));
	}
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(members[0]!.doc));
	for (const member of members) member.destroy();
	return copy;
}

/** A stock client syncing afresh; whether any message left structs pending, and how many came. */
async function freshSync(syncUrl: string, room: string, token: string): Promise<{ doc: Y.Doc; pendingSeen: boolean; pieces: number }> {
	const fresh = makeClient(syncUrl, room, token, { connect: false });
	let pendingSeen = false;
	let pieces = 0;
	fresh.doc.on('afterTransaction', (transaction: Y.Transaction) => {
		if (transaction.origin !== fresh.provider) return;
		pieces++;
		pendingSeen ||= fresh.doc.store.pendingStructs !== null || fresh.doc.store.pendingDs !== null;
	});
	fresh.provider.connect();
	await waitForSynced(fresh);
	return { doc: fresh.doc, pendingSeen, pieces };
}

function same(doc: Y.Doc, room: Y.Doc): void {
	expect(doc.getArray('ledger').toJSON()).toEqual(room.getArray('ledger').toJSON());
	expect(doc.getText('minutes').toString()).toBe(room.getText('minutes').toString());
	expect(doc.getArray('needs').toJSON()).toEqual(room.getArray('needs').toJSON());
	expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(room));
	expect(Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(room))).toBe(true);
}

test('a new device gets a big multi-writer room in pieces that each apply alone, and ends with the same document', async () => {
	const dataDir = tempDir('pieces');
	const room = randomRoomId();
	const token = randomToken();
	let relay = await startTestRelay({ dataDir, syncChunkBytes: 4096 });
	const expected = await busyRoom(relay.syncUrl, room, token);
	expect(Y.encodeStateAsUpdate(expected).byteLength).toBeGreaterThan(30 * 4096);

	const warm = await freshSync(relay.syncUrl, room, token);
	expect(warm.pieces).toBeGreaterThan(20);
	expect(warm.pendingSeen).toBe(false);
	same(warm.doc, expected);
	// A second newcomer gets the same answer.
	const again = await freshSync(relay.syncUrl, room, token);
	expect(again.pendingSeen).toBe(false);
	same(again.doc, expected);

	// From disk: the room loaded again, its log merged.
	await relay.close();
	relay = await startTestRelay({ dataDir, syncChunkBytes: 4096 });
	const cold = await freshSync(relay.syncUrl, room, token);
	expect(cold.pieces).toBeGreaterThan(20);
	expect(cold.pendingSeen).toBe(false);
	same(cold.doc, expected);
}, 60_000);

test('new devices joining at once, with writes between them, all end with the whole room', async () => {
	const relay = await startTestRelay({ syncChunkBytes: 4096 });
	const room = randomRoomId();
	const token = randomToken();
	const expected = await busyRoom(relay.syncUrl, room, token);
	const writer = makeClient(relay.syncUrl, room, token, { doc: expected });
	await waitForSynced(writer);
	const joiners: TestClient[] = [];
	for (let wave = 0; wave < 4; wave++) {
		for (let n = 0; n < 8; n++) joiners.push(makeClient(relay.syncUrl, room, token));
		expected.getArray<unknown>('ledger').insert(0, [{ wave }]);
		expected.getText('minutes').insert(0, `wave ${wave} `);
	}
	const target = (): string => Y.encodeStateVector(expected).join();
	await waitFor(() => joiners.every((joiner) => joiner.provider.synced && Y.encodeStateVector(joiner.doc).join() === target()), 'every joiner to hold the room');
	for (const joiner of joiners) {
		expect(joiner.doc.store.pendingStructs).toBeNull();
		same(joiner.doc, expected);
	}
}, 60_000);

test('a device holding half of a big multi-writer room catches up in pieces that each apply alone', async () => {
	const relay = await startTestRelay({ syncChunkBytes: 4096 });
	const room = randomRoomId();
	const token = randomToken();
	const halfway: Uint8Array[] = [];
	const expected = await busyRoom(relay.syncUrl, room, token, halfway);
	const doc = new Y.Doc();
	Y.applyUpdate(doc, halfway[0]!);
	const back = makeClient(relay.syncUrl, room, token, { doc, connect: false });
	let pendingSeen = false;
	let pieces = 0;
	doc.on('afterTransaction', (transaction: Y.Transaction) => {
		if (transaction.origin !== back.provider) return;
		pieces++;
		pendingSeen ||= doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
	});
	back.provider.connect();
	await waitForSynced(back);
	expect(pieces).toBeGreaterThan(10);
	expect(pendingSeen).toBe(false);
	same(doc, expected);
}, 60_000);
