import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { splitUpdate } from '../../../sync-server/src/protocol/split-update.js';
import { applyRandomTests, documentJSON, withNetwork, type Operation } from '$lib/testing/network';
import { int, pick, seeds, string } from '$lib/testing/random';

/**
 * What several members write on their own, then partly exchange: lists filled and
 * trimmed, texts typed into, maps overwritten, nested maps and texts inside lists. Each
 * writer's changes build on changes of others it received, which is what makes the
 * order of the relay's pieces matter.
 */
const operations: Operation[] = [
	(doc, gen) => {
		const list = doc.getArray<unknown>('ledger');
		list.insert(int(gen, 0, list.length), Array.from({ length: int(gen, 1, 6) }, () => ({ note: string(gen, 0, 40) })));
	},
	(doc, gen) => {
		const list = doc.getArray<unknown>('ledger');
		if (list.length > 2) list.delete(int(gen, 0, list.length - 2), int(gen, 1, 2));
	},
	(doc, gen) => {
		const text = doc.getText('minutes');
		text.insert(int(gen, 0, text.length), `${string(gen, 1, 60)} 🚲`);
	},
	(doc, gen) => {
		const text = doc.getText('minutes');
		if (text.length > 6) text.delete(int(gen, 0, text.length - 4), 3);
	},
	(doc, gen) => doc.getMap('resources').set(`r${int(gen, 0, 15)}`, { kg: int(gen, 0, 99), by: doc.clientID }),
	(doc, gen) => {
		const entry = new Y.Map<unknown>();
		entry.set('label', string(gen, 1, 30));
		entry.set('comments', new Y.Text(string(gen, 0, 20)));
		const needs = doc.getArray<Y.Map<unknown>>('needs');
		needs.insert(int(gen, 0, needs.length), [entry]);
	},
	(doc, gen) => {
		// Into a nested type another writer may have made: its parent is someone else's item.
		const needs = doc.getArray<Y.Map<unknown>>('needs');
		if (needs.length === 0) return;
		const entry = needs.get(int(gen, 0, needs.length - 1));
		entry.set('state', pick(gen, ['open', 'met', 'closed']));
		const comments = entry.get('comments');
		if (comments instanceof Y.Text) comments.insert(int(gen, 0, comments.length), string(gen, 1, 12));
	}
];

/** The room as the relay holds it after a merge: every replica's updates in one document. */
function relayCopy(docs: readonly Y.Doc[]): Y.Doc {
	const room = new Y.Doc();
	room.transact(() => {
		for (const doc of docs) Y.applyUpdate(room, Y.encodeStateAsUpdate(doc));
	});
	return room;
}

/** Applies each piece alone, in order, checking that none leaves anything waiting. */
function applyOneByOne(doc: Y.Doc, pieces: Uint8Array[]): void {
	pieces.forEach((piece, n) => {
		Y.applyUpdate(doc, piece);
		expect(doc.store.pendingStructs, `structs left pending by piece ${n + 1} of ${pieces.length}`).toBeNull();
		expect(doc.store.pendingDs, `deletions left pending by piece ${n + 1} of ${pieces.length}`).toBeNull();
	});
}

function sameDocument(rebuilt: Y.Doc, source: Y.Doc): void {
	expect(Y.decodeStateVector(Y.encodeStateVector(rebuilt))).toEqual(Y.decodeStateVector(Y.encodeStateVector(source)));
	expect(documentJSON([rebuilt])).toEqual(documentJSON([source]));
	expect(Y.equalSnapshots(Y.snapshot(rebuilt), Y.snapshot(source))).toBe(true);
}

describe('the relay’s pieces of a multi-writer room', () => {
	// PASSERELLE_SEED replays one seed.
	test.each(seeds([11, 12, 13, 14, 15, 16, 17, 18]))('apply one by one with nothing left pending (seed %i)', (seed) =>
		withNetwork(4, seed, (network) => {
			applyRandomTests(network, operations, 300);
			const room = relayCopy(network.docs);
			const whole = Y.encodeStateAsUpdate(room);
			for (const maxBytes of [96, 400, 2048]) {
				const pieces = [...splitUpdate(whole, maxBytes)];
				expect(pieces.length).toBeGreaterThan(2);
				const fresh = new Y.Doc();
				applyOneByOne(fresh, pieces);
				sameDocument(fresh, room);
				// The deletions go last: no piece before deletes anything.
				for (const piece of pieces.slice(0, -1)) expect(Y.decodeUpdate(piece).ds.clients.size).toBe(0);
			}
			// A member that went offline earlier asks for what it lacks: the diff comes in
			// pieces that apply one by one too.
			for (const replica of network.docs) {
				const diff = Y.diffUpdate(whole, Y.encodeStateVector(replica));
				const behind = new Y.Doc();
				Y.applyUpdate(behind, Y.encodeStateAsUpdate(replica));
				if (behind.store.pendingStructs !== null || behind.store.pendingDs !== null) continue;
				applyOneByOne(behind, [...splitUpdate(diff, 200)]);
				sameDocument(behind, room);
			}
		})
	);

	test('a writer whose first change builds on another writer’s later one is sent after it', () => {
		// A high client id (listed first by Yjs) appending after a low one's entry, which in
		// turn answers the high one's first entry: the pieces must go back and forth.
		const low = new Y.Doc();
		low.clientID = 1;
		const high = new Y.Doc();
		high.clientID = 2 ** 31;
		const exchange = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
		for (let round = 0; round < 40; round++) {
			high.getArray<string>('thread').push([`high ${round} `.repeat(8)]);
			exchange(high, low);
			low.getArray<string>('thread').push([`low ${round} `.repeat(8)]);
			exchange(low, high);
		}
		const whole = Y.encodeStateAsUpdate(high);
		const pieces = [...splitUpdate(whole, 256)];
		expect(pieces.length).toBeGreaterThan(10);
		const fresh = new Y.Doc();
		applyOneByOne(fresh, pieces);
		expect(fresh.getArray('thread').toJSON()).toEqual(high.getArray('thread').toJSON());
	});

	test('structs that build on something the update does not hold go last, in order, and the rest applies', () => {
		const first = new Y.Doc();
		first.clientID = 5;
		first.getArray<string>('a').push(['held by nobody here']);
		const second = new Y.Doc();
		second.clientID = 9;
		Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
		const before = Y.encodeStateVector(second);
		second.getArray<string>('a').push(['after the missing one']);
		second.getArray<string>('b').push(Array.from({ length: 200 }, (_, n) => `independent ${n}`));
		// Only the second writer's own structs: its first one builds on the first writer's.
		const partial = Y.diffUpdate(Y.encodeStateAsUpdate(second), before);
		const pieces = [...splitUpdate(partial, 300)];
		const doc = new Y.Doc();
		for (const piece of pieces) Y.applyUpdate(doc, piece);
		expect(doc.store.pendingStructs).not.toBeNull();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(first));
		expect(doc.store.pendingStructs).toBeNull();
		expect(doc.getArray('a').toJSON()).toEqual(second.getArray('a').toJSON());
		expect(doc.getArray('b').toJSON()).toEqual(second.getArray('b').toJSON());
	});
});
