import * as prng from 'lib0/prng';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { DocState } from './doc-state.js';
import { inspectUpdate, InvalidUpdateError } from './update-info.js';

/** Collects every update a doc emits, one per transaction. */
function recorder(doc: Y.Doc): Uint8Array[] {
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	return updates;
}

function add(state: DocState, update: Uint8Array): boolean {
	const info = inspectUpdate(update);
	if (state.addsNothing(info)) return false;
	state.add(update, info);
	return true;
}

const svOf = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc));

function restore(state: DocState): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state.diff(new Uint8Array([0])));
	return doc;
}

describe('inspectUpdate', () => {
	test('reports clock ranges per client and whether the update deletes', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		doc.getText('t').insert(0, 'abc');
		doc.getText('t').insert(3, 'de');
		doc.getText('t').delete(0, 1);
		expect(inspectUpdate(updates[1]!).clients.get(doc.clientID)).toEqual({ from: 3, to: 5, contiguous: true });
		expect(inspectUpdate(updates[1]!).hasDeletions).toBe(false);
		const deletion = inspectUpdate(updates[2]!);
		expect(deletion.clients.size).toBe(0);
		expect(deletion.hasDeletions).toBe(true);
	});

	test('sees the hole in a merge of non-adjacent updates', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b', 'c']) doc.getArray('l').push([word]);
		const gapped = Y.mergeUpdates([updates[0]!, updates[2]!]);
		expect(inspectUpdate(gapped).clients.get(doc.clientID)).toMatchObject({ from: 0, to: 3, contiguous: false });
	});

	test('throws InvalidUpdateError on bytes that are not an update', () => {
		expect(() => inspectUpdate(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(InvalidUpdateError);
		expect(() => inspectUpdate(new Uint8Array([]))).toThrow(InvalidUpdateError);
	});
});

describe('DocState', () => {
	test('keeps the same state vector as the document, one update at a time', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const state = new DocState();
		for (let n = 0; n < 20; n++) doc.getArray('l').push([n]);
		for (const update of updates) add(state, update);
		expect(new Map(state.stateVector())).toEqual(svOf(doc));
		expect(state.encodedStateVector()).toEqual(Y.encodeStateVector(doc));
	});

	test('skips what adds nothing but never a deletion', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		doc.getText('t').insert(0, 'hello');
		doc.getText('t').delete(0, 1);
		const state = new DocState();
		expect(add(state, updates[0]!)).toBe(true);
		expect(add(state, updates[0]!)).toBe(false);
		expect(add(state, new Uint8Array([0, 0]))).toBe(false);
		expect(add(state, updates[1]!)).toBe(true);
		expect(restore(state).getText('t').toString()).toBe('ello');
	});

	test('does not claim structs past a hole until the hole is filled', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b', 'c']) doc.getArray('l').push([word]);
		const state = new DocState();
		add(state, updates[0]!);
		add(state, updates[2]!);
		expect(state.stateVector().get(doc.clientID)).toBe(1);
		// The relay still holds the later update: a duplicate of it is not "nothing new".
		expect(add(state, updates[1]!)).toBe(true);
		expect(state.stateVector().get(doc.clientID)).toBe(3);
		expect(restore(state).getArray('l').toArray()).toEqual(['a', 'b', 'c']);
	});

	test('answers a client with exactly what it misses', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		doc.getMap('m').set('a', 1);
		const behind = new Y.Doc();
		Y.applyUpdate(behind, Y.encodeStateAsUpdate(doc));
		doc.getMap('m').set('b', 2);
		const state = DocState.fromUpdates(updates);
		Y.applyUpdate(behind, state.diff(Y.encodeStateVector(behind)));
		expect(behind.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
	});

	test.each([1, 2, 3, 4, 5])('converges with updates of three clients in shuffled order (seed %i)', (seed) => {
		const gen = prng.create(seed);
		const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
		const all: Uint8Array[] = [];
		for (const doc of docs) doc.on('update', (update: Uint8Array) => all.push(update));
		for (let step = 0; step < 150; step++) {
			const doc = prng.oneOf(gen, docs);
			const list = doc.getArray<number>('l');
			if (list.length > 0 && prng.bool(gen)) list.delete(prng.uint32(gen, 0, list.length - 1), 1);
			else list.insert(prng.uint32(gen, 0, list.length), [step]);
			// Sometimes a client catches up with another, as over a second path.
			if (prng.int32(gen, 0, 9) === 0) {
				const other = prng.oneOf(gen, docs);
				Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
			}
		}
		const reference = new Y.Doc();
		for (const update of all) Y.applyUpdate(reference, update);
		const shuffled = all.slice();
		for (let i = shuffled.length - 1; i > 0; i--) {
			const j = prng.uint32(gen, 0, i);
			[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
		}
		const state = new DocState();
		for (const update of shuffled) add(state, update);
		expect(new Map(state.stateVector())).toEqual(svOf(reference));
		expect(restore(state).getArray('l').toArray()).toEqual(reference.getArray('l').toArray());
		// Loading the same updates from storage gives the same state.
		expect(DocState.fromUpdates(shuffled).encodedStateVector()).toEqual(state.encodedStateVector());
	});
});
