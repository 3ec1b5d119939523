import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
	AwarenessTable,
	DEFAULT_PRESENCE_LIMITS,
	encodeAwarenessUpdate,
	readAwarenessUpdate,
	REMOVED_STATE,
	TooManyEntriesError,
	type AwarenessEntry,
	type ReceivedEntry
} from './awareness.js';

const text = new TextEncoder();
const received = (clientId: number, clock: number, state: unknown): ReceivedEntry => ({
	clientId,
	clock,
	state: text.encode(JSON.stringify(state))
});
const recorded = (clientId: number, clock: number, state: unknown): AwarenessEntry => ({
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
		const [read] = readAwarenessUpdate(update, 16);
		expect(read?.clientId).toBe(doc.clientID);
		const table = new AwarenessTable();
		const [decoded] = table.apply([read!], new Set()).news;
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

	test('refuses truncated updates, and states that are not JSON once they matter', () => {
		const valid = encodeAwarenessUpdate([recorded(1, 1, { a: 1 })]);
		expect(() => readAwarenessUpdate(valid.slice(0, valid.length - 2), 16)).toThrow();
		const garbage = readAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: '{oops' }]), 16);
		expect(() => new AwarenessTable().apply(garbage, new Set())).toThrow();
	});

	test('refuses a message with more entries than allowed before reading them', () => {
		const many = encodeAwarenessUpdate(Array.from({ length: 20 }, (_, i) => recorded(i + 1, 1, {})));
		expect(() => readAwarenessUpdate(many, 19)).toThrow(TooManyEntriesError);
		expect(readAwarenessUpdate(many, 20)).toHaveLength(20);
	});
});

describe('AwarenessTable', () => {
	test('keeps the newest entry per client and which connection owns it', () => {
		const table = new AwarenessTable();
		const mine = new Set<number>();
		table.apply([received(1, 1, { v: 1 }), received(2, 4, { v: 'b' })], mine);
		table.apply([received(1, 3, { v: 3 }), received(1, 2, { v: 2 })], mine);
		expect(table.entries()).toEqual([recorded(1, 3, { v: 3 }), recorded(2, 4, { v: 'b' })]);
		expect([...mine]).toEqual([1, 2]);
	});

	test('another connection cannot overwrite or remove an owned client', () => {
		const table = new AwarenessTable();
		const alice = new Set<number>();
		const mallory = new Set<number>();
		table.apply([received(7, 5, { name: 'Alice' })], alice);
		const forged = table.apply([received(7, 9, { name: 'Mallory' }), { ...received(7, 10, null) }], mallory);
		expect(forged.news).toEqual([]);
		expect(forged.dropped.get('not-owner')).toBe(2);
		expect(table.entries()).toEqual([recorded(7, 5, { name: 'Alice' })]);
		expect(mallory.size).toBe(0);
	});

	test('an echo of someone else’s state is neither news nor a drop, and owns nothing', () => {
		const table = new AwarenessTable();
		const alice = new Set<number>();
		const bystander = new Set<number>();
		table.apply([received(7, 5, { name: 'Alice' })], alice);
		const echo = table.apply([received(7, 5, { name: 'Alice' })], bystander);
		expect(echo).toEqual({ news: [], dropped: new Map(), reminders: [] });
		expect(bystander.size).toBe(0);
	});

	test('a connection speaks for a few ids, a room holds a bounded number', () => {
		const limits = { ...DEFAULT_PRESENCE_LIMITS, idsPerConnection: 2, clientsPerRoom: 3 };
		const table = new AwarenessTable(limits);
		const first = new Set<number>();
		const result = table.apply([received(1, 1, {}), received(2, 1, {}), received(3, 1, {})], first);
		expect(result.news.map((e) => e.clientId)).toEqual([1, 2]);
		expect(result.dropped.get('too-many-ids')).toBe(1);
		const second = new Set<number>();
		const full = table.apply([received(4, 1, {}), received(5, 1, {})], second);
		expect(full.news.map((e) => e.clientId)).toEqual([4]);
		expect(full.dropped.get('room-full')).toBe(1);
		// Ids free up when their connection goes.
		table.release(first);
		expect(table.apply([received(5, 1, {})], second).news).toHaveLength(1);
	});

	test('an oversized state is dropped and owns nothing', () => {
		const table = new AwarenessTable({ ...DEFAULT_PRESENCE_LIMITS, stateBytes: 100 });
		const mine = new Set<number>();
		const result = table.apply([received(1, 1, { pad: 'x'.repeat(200) })], mine);
		expect(result.news).toEqual([]);
		expect(result.dropped.get('state-too-large')).toBe(1);
		expect(mine.size).toBe(0);
		expect(table.held).toBe(0);
	});

	test('a removal at the same clock wins, and removed clients are forgotten', () => {
		const table = new AwarenessTable();
		const mine = new Set<number>();
		table.apply([received(1, 2, { v: 1 })], mine);
		table.apply([received(1, 2, null)], mine);
		expect(table.size).toBe(0);
	});

	test('release() returns removal entries one clock ahead and frees the ids', () => {
		const table = new AwarenessTable();
		const leaving = new Set<number>();
		const staying = new Set<number>();
		table.apply([received(1, 2, {})], leaving);
		table.apply([received(2, 9, {})], staying);
		expect(table.release(leaving)).toEqual([{ clientId: 1, clock: 3, state: REMOVED_STATE }]);
		expect(leaving.size).toBe(0);
		expect(table.entries().map((e) => e.clientId)).toEqual([2]);
	});

	test('a late echo of an older state does not bring a released client back, and the sender is reminded', () => {
		const table = new AwarenessTable();
		const gone = new Set<number>();
		table.apply([received(1, 4, { name: 'Ada' })], gone);
		expect(table.release(gone)).toHaveLength(1);
		const back = new Set<number>();
		const late = table.apply([received(1, 4, { name: 'Ada' })], back);
		expect(late.news).toEqual([]);
		expect(late.reminders).toEqual([{ clientId: 1, clock: 5, state: REMOVED_STATE }]);
		expect(back.size).toBe(0);
		expect(table.size).toBe(0);
		// The same client coming back with a newer clock is present again, owned anew.
		expect(table.apply([received(1, 6, { name: 'Ada' })], back).news).toHaveLength(1);
		expect(table.size).toBe(1);
		expect([...back]).toEqual([1]);
	});

	test('the tombstones of released ids are bounded', () => {
		const table = new AwarenessTable({ ...DEFAULT_PRESENCE_LIMITS, clientsPerRoom: 8, idsPerConnection: 4 });
		for (let round = 0; round < 50; round++) {
			const connection = new Set<number>();
			table.apply([1, 2, 3, 4].map((i) => received(round * 4 + i, 1, {})), connection);
			table.release(connection);
		}
		expect(table.size).toBe(0);
		expect(table.held).toBeLessThanOrEqual(8);
	});

	test('like y-protocols, a first entry at clock 0 is not news', () => {
		const table = new AwarenessTable();
		expect(table.apply([received(3, 0, {})], new Set()).news).toEqual([]);
	});
});
