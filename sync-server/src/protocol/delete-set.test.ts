import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { generator, int, seeds } from '../../../src/lib/testing/random.js';
import { DeleteSet, holdsDeletions, readDeleteSet, readDeleteSetInSlices } from './delete-set.js';

/** The clocks of client 1 a set holds, below 200. */
function clocks(set: DeleteSet): number[] {
	return Array.from({ length: 200 }, (_, clock) => clock).filter((clock) => set.missing(1, clock, clock + 1).length === 0);
}

describe('DeleteSet', () => {
	test.each(seeds([1, 2, 3, 4, 5, 6]))('holds exactly the ranges added, whatever their order and overlaps (seed %i)', (seed) => {
		const gen = generator(seed);
		const set = new DeleteSet();
		const expected = new Set<number>();
		for (let n = 0; n < 60; n++) {
			const from = int(gen, 0, 190);
			const to = from + int(gen, 0, 9);
			set.add(1, from, to);
			for (let clock = from; clock < to; clock++) expected.add(clock);
			expect(clocks(set)).toEqual([...expected].sort((a, b) => a - b));
		}
		// What is missing of a wide range is exactly the clocks not added.
		const gaps = set.missing(1, 0, 200).flatMap(([from, to]) => Array.from({ length: to - from }, (_, i) => from + i));
		expect(gaps).toEqual(Array.from({ length: 200 }, (_, clock) => clock).filter((clock) => !expected.has(clock)));
	});

	test('reads a document’s delete set from its bytes, and tells which deletions are news', () => {
		const doc = new Y.Doc();
		const list = doc.getArray<number>('list');
		list.push(Array.from({ length: 50 }, (_, n) => n));
		doc.getText('text').insert(0, 'passerelle 🚲 '.repeat(20));
		list.delete(10, 5);
		list.delete(30, 2);
		doc.getText('text').delete(3, 40);
		const held = readDeleteSet(Y.encodeStateAsUpdate(doc));
		const fromYjs = new DeleteSet();
		for (const [client, items] of Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).ds.clients) {
			for (const item of items) fromYjs.add(client, item.clock, item.clock + item.len);
		}
		expect([...held.entries()]).toEqual([...fromYjs.entries()]);
		expect(holdsDeletions(held, fromYjs)).toBe(true);
		const more = new DeleteSet();
		more.add(doc.clientID, 0, 1);
		expect(holdsDeletions(held, more)).toBe(false);
		expect(holdsDeletions(held, more, [more])).toBe(true);
	});

	test('reads a large delete set a slice at a time, to the same ranges', async () => {
		const doc = new Y.Doc();
		const list = doc.getArray<number>('list');
		// Inserted at the front one by one: items that do not merge, many structs to walk.
		for (let n = 0; n < 9000; n++) list.insert(0, [n]);
		for (let n = 0; n < 500; n++) list.delete(n * 7, 3);
		const update = Y.encodeStateAsUpdate(doc);
		expect(Y.decodeUpdate(update).structs.length).toBeGreaterThan(8192);
		const whole = readDeleteSet(update);
		// A slice of no time at all: the walk stops at every step.
		const sliced = await readDeleteSetInSlices(update, 0);
		expect([...sliced.entries()]).toEqual([...whole.entries()]);
		expect([...whole.entries()].length).toBeGreaterThan(100);
	});

	test('counts the clocks it covers, overlaps once', () => {
		const set = new DeleteSet();
		set.add(1, 0, 10);
		set.add(1, 5, 15);
		set.add(2, 100, 103);
		expect(set.clocks).toBe(18);
		expect(new DeleteSet().clocks).toBe(0);
	});
});
