import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { collectionVersion, readKept } from './entity-cache';

const SCHEMA = {};

function setup() {
	const doc = new Y.Doc();
	const things = doc.getMap<unknown>('things');
	const entry = new Y.Map<unknown>();
	things.set('a', entry);
	entry.set('name', 'Van');
	let reads = 0;
	const read = (key: string) =>
		readKept(things, key, things.get(key), SCHEMA, () => {
			reads++;
			const value = things.get(key);
			return value instanceof Y.Map ? { name: value.get('name') } : undefined;
		});
	return { doc, things, entry, read, reads: () => reads };
}

describe('entities kept until they change', () => {
	it('reads an unchanged entry once', () => {
		const { read, reads } = setup();
		const first = read('a');
		expect(read('a')).toBe(first);
		expect(reads()).toBe(1);
	});

	it('reads an entry again after a change of one of its fields, and only that entry', () => {
		const { things, entry, read, reads } = setup();
		const other = new Y.Map<unknown>();
		things.set('b', other);
		other.set('name', 'Drill');
		read('a');
		read('b');
		entry.set('name', 'Truck');
		expect(read('a')).toEqual({ name: 'Truck' });
		expect(read('b')).toEqual({ name: 'Drill' });
		expect(reads()).toBe(3);
	});

	it('sees a change below a nested map, a replaced entry and a removed one', () => {
		const { things, entry, read } = setup();
		const lines = new Y.Map<unknown>();
		entry.set('lines', lines);
		read('a');
		lines.set('x', 1);
		entry.set('name', 'Nested');
		expect(read('a')).toEqual({ name: 'Nested' });
		const replacement = new Y.Map<unknown>();
		things.set('a', replacement);
		replacement.set('name', 'Replaced');
		expect(read('a')).toEqual({ name: 'Replaced' });
		things.delete('a');
		expect(read('a')).toBeUndefined();
	});

	it('sees changes that arrive from another device', () => {
		const { doc, read } = setup();
		read('a');
		const remote = new Y.Doc();
		Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
		(remote.getMap('things').get('a') as Y.Map<unknown>).set('name', 'Remote');
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)));
		expect(read('a')).toEqual({ name: 'Remote' });
	});

	it('reads fresh inside a transaction, where observers have not run yet', () => {
		const { doc, entry, read } = setup();
		read('a');
		doc.transact(() => {
			entry.set('name', 'Inside');
			expect(read('a')).toEqual({ name: 'Inside' });
		});
		expect(read('a')).toEqual({ name: 'Inside' });
	});

	it('moves the collection’s version on every change below it', () => {
		const { things, entry } = setup();
		const before = collectionVersion(things);
		entry.set('name', 'Changed');
		const after = collectionVersion(things);
		expect(after).not.toBe(before);
		expect(collectionVersion(things)).toBe(after);
	});
});
