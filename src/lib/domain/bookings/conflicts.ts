/**
 * What a merge can bring that the document cannot prevent: two confirmed
 * bookings of one resource at the same time, and bookings still standing on
 * a resource removed from the inventory. Both are shown to people, who
 * settle them by cancelling a booking; nothing here changes the data.
 */
import type * as Y from 'yjs';
import { listBookings, type Booking } from './bookings';
import type { ResourceId } from '../core/ids';
import { compareIds } from '../core/order';
import { getResource } from '../inventory/resources';

export interface OverlapGroup {
	resourceId: ResourceId;
	/** The span covered by the group, from the earliest start to the latest end. */
	start: number;
	end: number;
	/** Two or more confirmed bookings, sorted by start, each overlapping another in the group. */
	bookings: Booking[];
}

/**
 * Confirmed bookings of one resource whose slots overlap, grouped: a chain
 * of overlaps (8–10h, 9–12h, 11–13h) is one group. Slots that only touch
 * (8–10h, 10–12h) do not overlap. Groups are sorted by resource then start.
 */
export function overlappingBookings(doc: Y.Doc): OverlapGroup[] {
	const confirmed = listBookings(doc, { status: 'confirmed' }).items;
	const byResource = new Map<ResourceId, Booking[]>();
	for (const b of confirmed) {
		const list = byResource.get(b.resourceId) ?? [];
		list.push(b);
		byResource.set(b.resourceId, list);
	}
	const groups: OverlapGroup[] = [];
	for (const [resourceId, bookings] of [...byResource].sort(([a], [b]) => compareIds(a, b))) {
		let current: OverlapGroup | null = null;
		for (const b of bookings) {
			if (current && b.start < current.end) {
				current.bookings.push(b);
				current.end = Math.max(current.end, b.end);
				continue;
			}
			if (current && current.bookings.length > 1) groups.push(current);
			current = { resourceId, start: b.start, end: b.end, bookings: [b] };
		}
		if (current && current.bookings.length > 1) groups.push(current);
	}
	return groups;
}

/**
 * Bookings still standing (requested or confirmed) on a resource that has
 * since been removed from the inventory: someone must tell the people
 * concerned. A resource not yet arrived on this device is not counted.
 */
export function bookingsOfRemovedResources(doc: Y.Doc): Booking[] {
	return listBookings(doc).items.filter(
		(b) => b.status !== 'cancelled' && getResource(doc, b.resourceId)?.removedAt != null
	);
}
