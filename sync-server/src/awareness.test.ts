import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
	AwarenessTable,
	decodeAwarenessUpdate,
	encodeAwarenessUpdate,
	REMOVED_STATE,
	type AwarenessEntry
} from './awareness.js';

const entry = (clientId: number, clock: number, state: unknown): AwarenessEntry => ({
	clientId,
	clock,
	state: JSON.stringify(state)
});

describe('awareness update encoding', () => {
	test('reads what y-protocols writes, and y-protocols reads what we write', () => {
		const doc = new Y.Doc();
		const awareness = new awarenessProtocol.Awareness(doc);
		awareness.setLocalStateField('user', { name: 'Ada' });
		const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
		const [decoded] = decodeAwarenessUpdate(update);
		expect(decoded?.clientId).toBe(doc.clientID);
		expect(JSON.parse(decoded?.state ?? '')).toEqual({ user: { name: 'Ada' } });

		const other = new awarenessProtocol.Awareness(new Y.Doc());
		awarenessProtocol.applyAwarenessUpdate(other, encodeAwarenessUpdate([decoded!]), 'relay');
		expect(other.getStates().get(doc.clientID)).toEqual({ user: { name: 'Ada' } });
		awarenessProtocol.applyAwarenessUpdate(
			other,
			encodeAwarenessUpdate([{ clientId: doc.clientID, clock: decoded!.clock + 1, state: REMOVED_STATE }]),
			'relay'
		);
		expect(other.getStates().has(doc.clientID)).toBe(false);
	});

	test('refuses truncated updates and states that are not JSON', () => {
		const valid = encodeAwarenessUpdate([entry(1, 1, { a: 1 })]);
		expect(() => decodeAwarenessUpdate(valid.slice(0, valid.length - 2))).toThrow();
		expect(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: '{oops' }]))).toThrow();
	});
});

describe('AwarenessTable', () => {
	test('keeps the newest entry per client and who controls it', () => {
		const table = new AwarenessTable();
		const mine = new Set<number>();
		table.apply([entry(1, 1, { v: 1 }), entry(2, 4, { v: 'b' })], mine);
		table.apply([entry(1, 3, { v: 3 }), entry(1, 2, { v: 2 })], mine);
		expect(table.entries()).toEqual([entry(1, 3, { v: 3 }), entry(2, 4, { v: 'b' })]);
		expect([...mine]).toEqual([1, 2]);
	});

	test('an echo of someone else’s state does not make a connection its controller', () => {
		const table = new AwarenessTable();
		const alice = new Set<number>();
		const bystander = new Set<number>();
		table.apply([entry(7, 5, { name: 'Alice' })], alice);
		table.apply([entry(7, 5, { name: 'Alice' })], bystander);
		expect(alice.has(7)).toBe(true);
		expect(bystander.has(7)).toBe(false);
	});

	test('a removal at the same clock wins, and removed clients are forgotten', () => {
		const table = new AwarenessTable();
		const mine = new Set<number>();
		table.apply([entry(1, 2, { v: 1 })], mine);
		table.apply([{ clientId: 1, clock: 2, state: REMOVED_STATE }], mine);
		expect(table.size).toBe(0);
		expect(mine.size).toBe(0);
	});

	test('remove() returns removal entries one clock ahead', () => {
		const table = new AwarenessTable();
		table.apply([entry(1, 2, {}), entry(2, 9, {})], new Set());
		expect(table.remove([1, 3])).toEqual([{ clientId: 1, clock: 3, state: REMOVED_STATE }]);
		expect(table.entries().map((e) => e.clientId)).toEqual([2]);
	});

	test('returns only the news: echoes and older clocks are dropped', () => {
		const table = new AwarenessTable();
		expect(table.apply([entry(1, 1, { a: 1 }), entry(2, 1, {})], new Set())).toHaveLength(2);
		expect(table.apply([entry(1, 1, { a: 1 }), entry(2, 2, { b: 1 })], new Set())).toEqual([entry(2, 2, { b: 1 })]);
		// Like y-protocols, a first entry at clock 0 is not news.
		expect(table.apply([entry(3, 0, {})], new Set())).toEqual([]);
	});

	test('a late echo of an older state does not bring a removed client back', () => {
		const table = new AwarenessTable();
		table.apply([entry(1, 4, { name: 'Ada' })], new Set());
		expect(table.remove([1])).toHaveLength(1);
		expect(table.apply([entry(1, 4, { name: 'Ada' })], new Set())).toEqual([]);
		expect(table.size).toBe(0);
		expect(table.entries()).toEqual([]);
		// The same client coming back with a newer clock is present again.
		expect(table.apply([entry(1, 6, { name: 'Ada' })], new Set())).toHaveLength(1);
		expect(table.size).toBe(1);
	});
});
