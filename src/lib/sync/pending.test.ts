import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMark, lostMarks, marksOfMerge, parseMarks, unconfirmed, type Mark } from './pending';

describe('pending changes', () => {
	it('counts marks the relay state has not reached', () => {
		let marks = addMark([], 7, 1);
		marks = addMark(marks, 7, 3);
		marks = addMark(marks, 9, 2);
		expect(unconfirmed(marks, new Map())).toHaveLength(3);
		expect(unconfirmed(marks, new Map([[7, 1]]))).toEqual([[7, 3], [9, 2]]);
		expect(unconfirmed(marks, new Map([[7, 3], [9, 5]]))).toEqual([]);
	});

	it('reads stored marks defensively', () => {
		expect(parseMarks(null)).toEqual([]);
		expect(parseMarks('{oops')).toEqual([]);
		expect(parseMarks('[[1,2],["x",3],[4],[5,6]]')).toEqual([[1, 2], [5, 6]]);
	});
});

describe('changes merged from a file', () => {
	it('waits for every writer the file brought, up to the clock it reached', () => {
		const other = new Y.Doc();
		other.getMap('m').set('a', 1);
		const third = new Y.Doc();
		third.getMap('m').set('b', 2);
		third.getMap('m').set('c', 3);
		const device = new Y.Doc();
		Y.applyUpdate(device, Y.encodeStateAsUpdate(third));
		let marks: Mark[] = [];
		device.on('afterTransaction', (transaction: Y.Transaction) => {
			marks = [...marks, ...marksOfMerge(transaction.beforeState, transaction.afterState)];
		});
		// The file holds both writers; the device already had the third's.
		Y.applyUpdate(device, Y.mergeUpdates([Y.encodeStateAsUpdate(other), Y.encodeStateAsUpdate(third)]));
		expect(marks).toEqual([[other.clientID, 1]]);
		expect(unconfirmed(marks, Y.decodeStateVector(Y.encodeStateVector(third)))).toEqual(marks);
		expect(unconfirmed(marks, Y.decodeStateVector(Y.encodeStateVector(device)))).toEqual([]);
	});

	it('leaves no mark for a merge that only deletes', () => {
		const doc = new Y.Doc();
		doc.getMap('m').set('a', 1);
		const before = Y.decodeStateVector(Y.encodeStateVector(doc));
		doc.getMap('m').delete('a');
		expect(marksOfMerge(before, Y.decodeStateVector(Y.encodeStateVector(doc)))).toEqual([]);
	});
});

describe('changes lost with the browser data', () => {
	/** A device's edits, each leaving its mark as the session does. */
	function edits(doc: Y.Doc, count: number): Mark[] {
		let marks: Mark[] = [];
		for (let i = 0; i < count; i++) {
			doc.getMap('resources').set(`r${i}`, i);
			marks = addMark(marks, doc.clientID, Y.getState(doc.store, doc.clientID));
		}
		return marks;
	}
	const stateIn = (doc: Y.Doc) => (client: number) => Y.getState(doc.store, client);

	it('keeps the marks whose change the loaded copy holds', () => {
		const before = new Y.Doc();
		const marks = edits(before, 3);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(before));
		expect(lostMarks(marks, stateIn(reloaded))).toEqual({ kept: marks, lost: [] });
	});

	it('finds every mark lost when the copy came back empty', () => {
		const before = new Y.Doc();
		const marks = edits(before, 2);
		const fresh = new Y.Doc();
		expect(lostMarks(marks, stateIn(fresh))).toEqual({ kept: [], lost: marks });
	});

	it('finds the later marks lost when the copy stops short of them', () => {
		const before = new Y.Doc();
		const saved = edits(before, 2);
		const stored = Y.encodeStateAsUpdate(before);
		const unsaved = edits(before, 2);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, stored);
		// Another writer's marks are judged by its own clock.
		const other = new Y.Doc();
		const theirs = edits(other, 1);
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(other));
		const result = lostMarks([...saved, ...unsaved, ...theirs], stateIn(reloaded));
		expect(result.kept).toEqual([...saved, ...theirs]);
		expect(result.lost).toEqual(unsaved);
	});
});
