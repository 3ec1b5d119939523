/**
 * A collection's entities kept in order as they change. Listing five thousand
 * resources by name used to read and sort all of them after each edit; here
 * the sorted list is kept with the collection, and a change moves only the
 * entries it touched: each is taken out and put back at its place, found by
 * halving (k log n for k changed entries instead of n log n).
 *
 * The order must be total (ties broken by id), so that one entity has one
 * place. Entries that do not read are counted apart, as readEntities does.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { onEntryChange } from './entity-cache';
import { readEntities, readEntity } from './schema';

type EntitySchema = v.GenericSchema<unknown, { id: string }>;

interface Kept<T> {
	schema: EntitySchema;
	compare: (a: T, b: T) => number;
	items: T[];
	byKey: Map<string, T>;
	unreadable: Set<string>;
	/** Keys changed since the list was last brought up to date; null when it must be built anew. */
	changed: Set<string> | null;
}

const perCollection = new WeakMap<Y.Map<unknown>, Kept<unknown>[]>();

/** Beyond this share of changed entries, sorting everything again is cheaper than moving each. */
const REBUILD_SHARE = 0.25;

function keptFor<T>(collection: Y.Map<unknown>, schema: EntitySchema, compare: (a: T, b: T) => number): Kept<T> | null {
	let kept = perCollection.get(collection);
	if (!kept) {
		const lists: Kept<unknown>[] = [];
		// The entity cache already follows which entries change: the lists hear it from there.
		const watched = onEntryChange(collection, (key) => {
			for (const list of lists) list.changed?.add(key);
		});
		if (!watched) return null;
		perCollection.set(collection, (kept = lists));
	} else if (collection.doc === null || collection.doc._transaction !== null) return null;
	let list = kept.find((k) => k.schema === schema && k.compare === compare) as Kept<T> | undefined;
	if (!list) {
		list = { schema, compare, items: [], byKey: new Map(), unreadable: new Set(), changed: null };
		kept.push(list as Kept<unknown>);
	}
	return list;
}

/** Where `item` goes in `items` (sorted by `compare`): the first place whose entry comes after it. */
function placeOf<T>(items: readonly T[], item: T, compare: (a: T, b: T) => number): number {
	let low = 0;
	let high = items.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (compare(items[middle]!, item) < 0) low = middle + 1;
		else high = middle;
	}
	return low;
}

function rebuild<T>(collection: Y.Map<unknown>, list: Kept<T>): void {
	list.items = [];
	list.byKey.clear();
	list.unreadable.clear();
	for (const [key, value] of collection.entries()) {
		const entity = readEntity(key, value, list.schema) as T | undefined;
		if (entity === undefined) list.unreadable.add(key);
		else {
			list.items.push(entity);
			list.byKey.set(key, entity);
		}
	}
	list.items.sort(list.compare);
	list.changed = new Set();
}

function move<T>(collection: Y.Map<unknown>, list: Kept<T>, key: string): void {
	const before = list.byKey.get(key);
	if (before !== undefined) {
		const at = placeOf(list.items, before, list.compare);
		if (list.items[at] === before) list.items.splice(at, 1);
		else list.items.splice(list.items.indexOf(before), 1);
		list.byKey.delete(key);
	}
	list.unreadable.delete(key);
	if (!collection.has(key)) return;
	const entity = readEntity(key, collection.get(key), list.schema) as T | undefined;
	if (entity === undefined) {
		list.unreadable.add(key);
		return;
	}
	list.items.splice(placeOf(list.items, entity, list.compare), 0, entity);
	list.byKey.set(key, entity);
}

/**
 * The entities of `collection` that read through `schema`, sorted by
 * `compare`, and how many did not read. The list is the kept one: read it
 * at once and do not hold on to it, it moves with the next change.
 */
export function readInOrder<S extends EntitySchema>(
	collection: Y.Map<unknown>,
	schema: S,
	compare: (a: v.InferOutput<S>, b: v.InferOutput<S>) => number
): { items: readonly v.InferOutput<S>[]; unreadable: number } {
	type T = v.InferOutput<S>;
	const list = keptFor<T>(collection, schema, compare);
	if (!list) {
		// Inside a transaction the observers have not run: read afresh.
		const { items, unreadable } = readEntities(collection, schema);
		return { items: [...items].sort(compare), unreadable };
	}
	if (list.changed === null || list.changed.size > REBUILD_SHARE * Math.max(list.items.length, 16)) rebuild(collection, list);
	else if (list.changed.size > 0) {
		for (const key of list.changed) move(collection, list, key);
		list.changed.clear();
	}
	return { items: list.items, unreadable: list.unreadable.size };
}
