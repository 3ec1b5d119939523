/**
 * What the bookings page shows, as a pure function of the document: the
 * resources one can book, the members a slot can go to, and the bookings a
 * filter keeps, each with the names it shows.
 */
import type * as Y from 'yjs';
import type { MemberId, ResourceId } from '../core/ids';
import type { Member, Resource } from '../core/schema';
import { getResource, listResources } from '../inventory/resources';
import { memberName } from '../space/space';
import { currentMembers } from '../space/without-device';
import { listBookings, type Booking } from './bookings';

/** Rooms, tools, vehicles…: what has a time slot. Food is given and money is counted, neither is booked. */
export function isBookable(resource: Pick<Resource, 'kind'>): boolean {
	return resource.kind !== 'fund' && resource.kind !== 'food';
}

/** Who a slot goes to, named: a member (null when their entry has not arrived) or another collective. */
export type BookingWho = { kind: 'member'; name: string | null } | { kind: 'collective'; name: string };

export interface BookingRow {
	booking: Booking;
	/** Null when the resource has not arrived on this device. */
	resourceName: string | null;
	who: BookingWho;
}

/**
 * The rows for some bookings, names looked up once per id. Every page that
 * lists bookings (the calendar, conflicts, the transparency report) names
 * them this way.
 */
export function bookingRows(doc: Y.Doc, bookings: readonly Booking[]): BookingRow[] {
	const resources = new Map<ResourceId, string | null>();
	const members = new Map<MemberId, string | null>();
	const resourceName = (id: ResourceId) => {
		if (!resources.has(id)) resources.set(id, getResource(doc, id)?.name ?? null);
		return resources.get(id) ?? null;
	};
	const member = (id: MemberId) => {
		if (!members.has(id)) members.set(id, memberName(doc, id));
		return members.get(id) ?? null;
	};
	return bookings.map((booking) => ({
		booking,
		resourceName: resourceName(booking.resourceId),
		who: booking.to.kind === 'member' ? { kind: 'member', name: member(booking.to.memberId) } : booking.to
	}));
}

export interface BookingsFilter {
	resourceId: ResourceId | null;
	/** Bookings that ended before this moment are left out; null keeps the past too. */
	from: number | null;
	/** Only the bookings that ended by this moment, the latest first: the past under its own filter. */
	endedBy?: number | null;
}

export interface BookingsView {
	/** What the form offers and the filter lists, by name. */
	bookable: Resource[];
	members: Member[];
	rows: BookingRow[];
	unreadable: number;
}

export function bookingsView(doc: Y.Doc, filter: BookingsFilter): BookingsView {
	const { items, unreadable } = listBookings(doc, { resourceId: filter.resourceId ?? undefined, from: filter.from ?? undefined });
	const endedBy = filter.endedBy ?? null;
	const kept = endedBy === null ? items : items.filter((b) => b.end <= endedBy).reverse();
	return {
		bookable: listResources(doc).items.filter(isBookable),
		members: currentMembers(doc).items,
		rows: bookingRows(doc, kept),
		unreadable
	};
}

/**
 * The bookings a new slot of a resource would meet, cancelled ones aside:
 * said when the slot is asked for, not only when someone confirms it.
 */
export function slotOverlaps(doc: Y.Doc, slot: { resourceId: ResourceId; start: number; end: number }): BookingRow[] {
	if (!(slot.end > slot.start)) return [];
	const { items } = listBookings(doc, { resourceId: slot.resourceId, from: slot.start, to: slot.end });
	return bookingRows(doc, items.filter((b) => b.status !== 'cancelled'));
}

export interface AvailabilityDay {
	start: number;
	end: number;
	/** The day's bookings that are not cancelled, by start; an empty list is a free day. */
	busy: BookingRow[];
}

/**
 * A resource's days, each with what takes it: the day or week view of its
 * availability. Days are given by the caller (local midnights), so that a
 * day is the reader's day.
 */
export function availabilityView(doc: Y.Doc, resourceId: ResourceId, days: readonly { start: number; end: number }[]): AvailabilityDay[] {
	if (days.length === 0) return [];
	const { items } = listBookings(doc, { resourceId, from: days[0]!.start, to: days[days.length - 1]!.end });
	const live = items.filter((b) => b.status !== 'cancelled');
	return days.map((day) => ({ ...day, busy: bookingRows(doc, live.filter((b) => b.start < day.end && b.end > day.start)) }));
}
