/**
 * What the inventory page shows, as a pure function of the document: the
 * resources a filter keeps, in one pass over the collection, each with its
 * expiry flag and the name of whoever changed it last.
 */
import type * as Y from 'yjs';
import { readInOrder } from '../core/kept-order';
import { resourcesMap, ResourceSchema, type Resource } from '../core/schema';
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

/** The row last made for each resource, reused while its day and editor's name are the same. */
const rowsMade = new WeakMap<Resource, ResourceRow>();

function rowOf(resource: Resource, today: string, editorName: string | null): ResourceRow {
	const made = rowsMade.get(resource);
	const expiry = expiryStatus(resource, today);
	if (made && made.expiry === expiry && made.editorName === editorName) return made;
	const row = { resource, expiry, editorName };
	rowsMade.set(resource, row);
	return row;
}

export function inventoryView(doc: Y.Doc, filter: ResourceFilter, today: string): InventoryView {
	// Kept in order with the collection: an edit moves one entry instead of sorting all again.
	const { items, unreadable } = readInOrder(resourcesMap(doc), ResourceSchema, byName);
	const keeps = resourceMatcher(filter);
	const names = new Map<string, string | null>();
	const nameOf = (id: Resource['updatedBy']) => {
		if (!names.has(id)) names.set(id, memberName(doc, id));
		return names.get(id) ?? null;
	};
	const rows: ResourceRow[] = [];
	for (const resource of items) {
		if (keeps(resource)) rows.push(rowOf(resource, today, nameOf(resource.updatedBy)));
	}
	return {
		rows,
		unreadable,
		narrowed: Boolean(filter.kind) || (filter.search ?? '').trim() !== ''
	};
}
