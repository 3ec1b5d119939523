/**
 * What the inventory page shows, as a pure function of the document: the
 * resources a filter keeps, in one pass over the collection, each with its
 * expiry flag and the name of whoever changed it last.
 */
import type * as Y from 'yjs';
import { readEntities, resourcesMap, ResourceSchema, type Resource } from '../core/schema';
import { memberName } from '../space/space';
import { byName, expiryStatus, resourceMatcher, type ExpiryStatus, type ResourceFilter } from './resources';

export interface ResourceRow {
	resource: Resource;
	expiry: ExpiryStatus;
	/** Null when that member's entry has not arrived or does not read. */
	editorName: string | null;
}

export interface InventoryView {
	rows: ResourceRow[];
	/** Entries that could not be read, whatever the filter. */
	unreadable: number;
	/** A kind or a search narrows the list: an empty list then means "nothing matches", not "nothing here". */
	narrowed: boolean;
}

/** Where each resource stood in the last list sorted, per collection. */
const lastOrder = new WeakMap<object, Map<string, number>>();

/**
 * Rows by name. Comparing names through the collator is the costly part, and
 * a list sorted from the map's order costs n log n of them on every change.
 * Put back in the last sorted order first (whole numbers, cheap), the rows are
 * nearly sorted, and the name sort only has to place what changed. The order
 * is total, so the result is the same whatever order the rows come in.
 */
function sortByName(collection: object, rows: ResourceRow[]): void {
	const before = lastOrder.get(collection);
	if (before) {
		const ranked = rows.map((row) => ({ row, rank: before.get(row.resource.id) ?? Number.MAX_SAFE_INTEGER }));
		ranked.sort((a, b) => a.rank - b.rank);
		for (let i = 0; i < rows.length; i++) rows[i] = ranked[i]!.row;
	}
	rows.sort((a, b) => byName(a.resource, b.resource));
	lastOrder.set(collection, new Map(rows.map((row, i) => [row.resource.id, i])));
}

export function inventoryView(doc: Y.Doc, filter: ResourceFilter, today: string): InventoryView {
	const { items, unreadable } = readEntities(resourcesMap(doc), ResourceSchema);
	const keeps = resourceMatcher(filter);
	const names = new Map<string, string | null>();
	const nameOf = (id: Resource['updatedBy']) => {
		if (!names.has(id)) names.set(id, memberName(doc, id));
		return names.get(id) ?? null;
	};
	const rows: ResourceRow[] = [];
	for (const resource of items) {
		if (keeps(resource)) rows.push({ resource, expiry: expiryStatus(resource, today), editorName: nameOf(resource.updatedBy) });
	}
	sortByName(resourcesMap(doc), rows);
	return {
		rows,
		unreadable,
		narrowed: Boolean(filter.kind) || (filter.search ?? '').trim() !== ''
	};
}
