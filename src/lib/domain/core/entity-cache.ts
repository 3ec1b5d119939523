/**
 * Entities read once and kept until they change. Reading a collection used to
 * turn every entry into plain data and run its schema on each change of the
 * document, so one keystroke in a space of twenty thousand ledger entries
 * re-read twenty thousand entries. Here each collection is watched (one deep
 * observer per collection, set on its first read) and an entry is read again
 * only after a change below it, local or remote.
 *
 * Yjs calls observers before it emits the document's `update` event, so a
 * view recomputed on `update` already sees the invalidations. Inside a
 * transaction the observers have not run yet: reads there bypass the cache.
 */
import * as Y from 'yjs';

interface Kept {
	/** The stored value the entry was read from: a replaced entry is read again. */
	source: unknown;
	value: unknown;
}

interface Watched {
	/** One shelf per schema: the same collection may be read through different schemas. */
	shelves: Map<object, Map<string, Kept>>;
	/** Bumped on every change below the collection, for views derived from it. */
	version: number;
	/** Told the key of each entry changed, for what else is kept per entry (kept-order.ts). */
	listeners: ((key: string) => void)[];
}

const watched = new WeakMap<Y.Map<unknown>, Watched>();

function watch(collection: Y.Map<unknown>): Watched | null {
	// A map not yet in a document cannot be observed, and a transaction in progress has not told its observers.
	const doc = collection.doc;
	if (doc === null || doc._transaction !== null) return null;
	let state = watched.get(collection);
	if (!state) {
		const fresh: Watched = { shelves: new Map(), version: 0, listeners: [] };
		collection.observeDeep((events) => {
			fresh.version++;
			for (const event of events) {
				if (event instanceof Y.YMapEvent && event.target === collection) {
					for (const key of event.keysChanged) forget(fresh, key);
				} else {
					const key = event.path[0];
					if (typeof key === 'string') forget(fresh, key);
				}
			}
		});
		watched.set(collection, fresh);
		state = fresh;
	}
	return state;
}

function forget(state: Watched, key: string): void {
	for (const shelf of state.shelves.values()) shelf.delete(key);
	for (const listener of state.listeners) listener(key);
}

/**
 * Calls `listener` with the key of each entry of `collection` that changes
 * from now on, local or remote. False, and nothing registered, while the
 * collection cannot be watched (inside a transaction, or out of a document).
 */
export function onEntryChange(collection: Y.Map<unknown>, listener: (key: string) => void): boolean {
	const state = watch(collection);
	if (!state) return false;
	state.listeners.push(listener);
	return true;
}

/**
 * The entry `key` of `collection` as `read` makes it, from the cache when
 * nothing changed below it since. `schema` names the reading: two readings of
 * one collection are kept apart.
 */
export function readKept<T>(
	collection: Y.Map<unknown>,
	key: string,
	value: unknown,
	schema: object,
	read: () => T | undefined
): T | undefined {
	const state = watch(collection);
	if (!state) return read();
	let shelf = state.shelves.get(schema);
	if (!shelf) state.shelves.set(schema, (shelf = new Map()));
	const kept = shelf.get(key);
	if (kept && kept.source === value) return kept.value as T | undefined;
	const fresh = read();
	shelf.set(key, { source: value, value: fresh });
	return fresh;
}

/**
 * The readings of `collection` through `schema` kept so far, by key, each with
 * the stored value it was read from; null while the collection cannot be
 * watched. For loops over a whole collection, which look up the shelf once
 * rather than once per entry.
 */
export function keptReadings(collection: Y.Map<unknown>, schema: object): ReadonlyMap<string, Readonly<Kept>> | null {
	const state = watch(collection);
	if (!state) return null;
	let shelf = state.shelves.get(schema);
	if (!shelf) state.shelves.set(schema, (shelf = new Map()));
	return shelf;
}

/**
 * A number that changes whenever anything below the collection changes, for
 * views that keep a result until one of the collections they read moves.
 * Null while it cannot be watched (inside a transaction, or out of a document).
 */
export function collectionVersion(collection: Y.Map<unknown>): number | null {
	return watch(collection)?.version ?? null;
}
