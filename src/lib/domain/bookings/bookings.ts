/**
 * Bookings and loans: a time slot of a resource (a room, a tool, a vehicle…)
 * given to a member or to another collective.
 *
 * The status is derived from marks, not stored as one field: a booking is
 * cancelled once anyone has cancelled it, else confirmed once anyone has
 * confirmed it, else requested. So a confirmation and a cancellation made
 * offline on two devices merge the same way on every replica: the
 * cancellation wins, and rebooking means a new request.
 *
 * The document cannot stop two offline devices confirming the same room for
 * the same evening. `overlappingBookings` (booking-conflicts.ts) finds such
 * double bookings after a merge so that people can settle them;
 * `confirmBooking` warns about overlaps it can already see, and confirms
 * anyway only when asked to explicitly.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { newId, type BookingId, type DecisionId, type MemberId, type ResourceId } from '../core/ids';
import { getResource } from '../inventory/resources';
import {
	bookingsMap,
	DomainError,
	idString,
	LOCAL_ORIGIN,
	readEntities,
	readEntity,
	resourcesMap,
	text,
	timestamp,
	validateInput,
	type ReadResult
} from '../core/schema';

export const BOOKING_STATUSES = ['requested', 'confirmed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

const TargetSchema = v.variant('kind', [
	v.object({ kind: v.literal('member'), memberId: idString }),
	v.object({ kind: v.literal('collective'), name: v.pipe(text(120), v.minLength(1)) })
]);
/** Who receives the slot: one of the members, or another collective named freely. */
export type BookingTarget = { kind: 'member'; memberId: MemberId } | { kind: 'collective'; name: string };

/** A slot ends after it starts; the error names `end`. */
const endAfterStart = <T extends { start: number; end: number }>() =>
	v.forward<T, v.CheckIssue<T>, ['end']>(
		v.check((slot) => slot.end > slot.start, 'must be after start'),
		['end'] as never
	);

const BookingObject = v.object({
	id: idString,
	resourceId: idString,
	start: timestamp,
	end: timestamp,
	to: TargetSchema,
	note: v.optional(text(1000), ''),
	createdAt: timestamp,
	createdBy: idString,
	confirmedAt: v.optional(v.nullable(timestamp), null),
	confirmedBy: v.optional(v.nullable(idString), null),
	cancelledAt: v.optional(v.nullable(timestamp), null),
	cancelledBy: v.optional(v.nullable(idString), null),
	decisionId: v.optional(v.nullable(idString), null)
});
const BookingSchema = v.pipe(BookingObject, endAfterStart<v.InferOutput<typeof BookingObject>>());
type StoredBooking = v.InferOutput<typeof BookingSchema>;

export interface Booking {
	id: BookingId;
	resourceId: ResourceId;
	start: number;
	end: number;
	to: BookingTarget;
	note: string;
	status: BookingStatus;
	createdAt: number;
	createdBy: MemberId;
	confirmedAt: number | null;
	confirmedBy: MemberId | null;
	cancelledAt: number | null;
	cancelledBy: MemberId | null;
	/** The decision that granted this booking, if one did. */
	decisionId: DecisionId | null;
}

const trimmed = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max));

const BookingInputObject = v.object({
	resourceId: idString,
	start: timestamp,
	end: timestamp,
	to: v.variant('kind', [
		v.object({ kind: v.literal('member'), memberId: idString }),
		v.object({ kind: v.literal('collective'), name: v.pipe(trimmed(120), v.minLength(1)) })
	]),
	note: v.optional(trimmed(1000), '')
});
const BookingInput = v.pipe(BookingInputObject, endAfterStart<v.InferOutput<typeof BookingInputObject>>());
export interface BookingInput {
	resourceId: ResourceId;
	start: number;
	end: number;
	to: BookingTarget;
	note?: string;
}

/** Asks for a slot. The resource must exist here and not be removed. */
export function requestBooking(doc: Y.Doc, input: BookingInput, by: MemberId, now = Date.now()): BookingId {
	const fields = validateInput(BookingInput, input);
	const resource = getResource(doc, fields.resourceId as ResourceId);
	if (!resource) throw new DomainError('resource_not_found', `No resource ${fields.resourceId}`);
	if (resource.removedAt !== null) throw new DomainError('resource_removed', `Resource ${resource.id} was removed`);
	const id = newId<'booking'>();
	doc.transact(() => {
		bookingsMap(doc).set(id, newEntry(id, fields, by, now));
		recordActivity(doc, { at: now, by, action: 'booking.requested', subjectKind: 'booking', subjectId: id, summary: resource.name });
	}, LOCAL_ORIGIN);
	return id;
}

export type ConfirmResult =
	| { ok: true; status: 'confirmed'; overlaps: Booking[] }
	| { ok: false; reason: 'overlap'; overlaps: Booking[] }
	| { ok: false; reason: 'not_requested'; status: BookingStatus }
	| { ok: false; reason: 'resource_removed' };

/**
 * Confirms a requested booking. If it would overlap a confirmed booking of the
 * same resource visible on this device, nothing is written and the overlaps
 * are returned, unless `override` is set: then the booking is confirmed and
 * the overlaps are returned all the same. Overlaps between devices that did
 * not see each other are found later by `overlappingBookings`.
 */
export function confirmBooking(
	doc: Y.Doc,
	id: BookingId,
	by: MemberId,
	now = Date.now(),
	options: { override?: boolean } = {}
): ConfirmResult {
	const entry = entryOf(doc, id);
	const booking = getBooking(doc, id);
	if (!booking) throw new DomainError('booking_unreadable', `Booking ${id} cannot be read`);
	if (booking.status !== 'requested') return { ok: false, reason: 'not_requested', status: booking.status };
	if (getResource(doc, booking.resourceId)?.removedAt != null) return { ok: false, reason: 'resource_removed' };
	const overlaps = listBookings(doc, {
		resourceId: booking.resourceId,
		status: 'confirmed',
		from: booking.start,
		to: booking.end
	}).items;
	if (overlaps.length > 0 && !options.override) return { ok: false, reason: 'overlap', overlaps };
	doc.transact(() => {
		entry.set('confirmedAt', now);
		entry.set('confirmedBy', by);
		recordActivity(doc, {
			at: now,
			by,
			action: 'booking.confirmed',
			subjectKind: 'booking',
			subjectId: id,
			summary: resourceName(doc, booking.resourceId)
		});
	}, LOCAL_ORIGIN);
	return { ok: true, status: 'confirmed', overlaps };
}

export type CancelResult = { ok: true; status: 'cancelled' } | { ok: false; reason: 'already_cancelled' };

/** Cancels a requested or confirmed booking. A cancelled booking stays cancelled. */
export function cancelBooking(doc: Y.Doc, id: BookingId, by: MemberId, now = Date.now()): CancelResult {
	const entry = entryOf(doc, id);
	if (entry.get('cancelledAt') != null) return { ok: false, reason: 'already_cancelled' };
	doc.transact(() => {
		entry.set('cancelledAt', now);
		entry.set('cancelledBy', by);
		const resourceId = entry.get('resourceId');
		recordActivity(doc, {
			at: now,
			by,
			action: 'booking.cancelled',
			subjectKind: 'booking',
			subjectId: id,
			summary: typeof resourceId === 'string' ? resourceName(doc, resourceId) : ''
		});
	}, LOCAL_ORIGIN);
	return { ok: true, status: 'cancelled' };
}

/**
 * Writes a booking granted by an adopted decision, confirmed at once, under
 * an id derived from the decision and its allocation so that two devices
 * adopting the same decision offline write the same booking, not two. Does
 * nothing when that booking is already here. The decision module checks the
 * input first; this runs inside the adoption's transaction.
 *
 * Known limit: when two devices that never saw each other's adoption both
 * write the booking, one of the two maps wins the merge whole. A cancellation
 * made on the losing map before the merge is undone (its activity record
 * stays). Both maps hold the same slot, so no second booking ever appears.
 */
export function grantBooking(
	doc: Y.Doc,
	id: BookingId,
	input: BookingInput & { decisionId: DecisionId },
	by: MemberId,
	now: number
): boolean {
	if (bookingsMap(doc).has(id)) return false;
	const fields = validateInput(BookingInput, input);
	doc.transact(() => {
		const entry = newEntry(id, fields, by, now);
		entry.set('confirmedAt', now);
		entry.set('confirmedBy', by);
		entry.set('decisionId', input.decisionId);
		bookingsMap(doc).set(id, entry);
		recordActivity(doc, {
			at: now,
			by,
			action: 'booking.granted',
			subjectKind: 'booking',
			subjectId: id,
			decisionId: input.decisionId,
			summary: resourceName(doc, fields.resourceId)
		});
	}, LOCAL_ORIGIN);
	return true;
}

export function getBooking(doc: Y.Doc, id: BookingId): Booking | undefined {
	const stored = readEntity(id, bookingsMap(doc).get(id), BookingSchema);
	return stored && toBooking(stored);
}

export interface BookingFilter {
	resourceId?: ResourceId;
	/** Keeps bookings whose slot meets [from, to); either bound may be left open. */
	from?: number;
	to?: number;
	status?: BookingStatus;
}

/** A calendar-like list: bookings sorted by start, then end, then id. */
export function listBookings(doc: Y.Doc, filter: BookingFilter = {}): ReadResult<Booking> {
	const { items, unreadable } = readEntities(bookingsMap(doc), BookingSchema);
	const kept = items
		.map(toBooking)
		.filter(
			(b) =>
				(!filter.resourceId || b.resourceId === filter.resourceId) &&
				(!filter.status || b.status === filter.status) &&
				(filter.from === undefined || b.end > filter.from) &&
				(filter.to === undefined || b.start < filter.to)
		);
	kept.sort(byStart);
	return { items: kept, unreadable };
}

function newEntry(id: BookingId, fields: v.InferOutput<typeof BookingInput>, by: MemberId, now: number): Y.Map<unknown> {
	const entry = new Y.Map<unknown>();
	entry.set('id', id);
	entry.set('resourceId', fields.resourceId);
	entry.set('start', fields.start);
	entry.set('end', fields.end);
	entry.set('to', { ...fields.to });
	entry.set('note', fields.note);
	entry.set('createdAt', now);
	entry.set('createdBy', by);
	entry.set('confirmedAt', null);
	entry.set('confirmedBy', null);
	entry.set('cancelledAt', null);
	entry.set('cancelledBy', null);
	entry.set('decisionId', null);
	return entry;
}

function toBooking(stored: StoredBooking): Booking {
	const status: BookingStatus =
		stored.cancelledAt !== null ? 'cancelled' : stored.confirmedAt !== null ? 'confirmed' : 'requested';
	return { ...stored, status } as Booking;
}

function byStart(a: Booking, b: Booking): number {
	return a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function entryOf(doc: Y.Doc, id: BookingId): Y.Map<unknown> {
	const entry = bookingsMap(doc).get(id);
	if (!(entry instanceof Y.Map)) throw new DomainError('booking_not_found', `No booking ${id}`);
	return entry;
}

function resourceName(doc: Y.Doc, id: string): string {
	const entry = resourcesMap(doc).get(id);
	const name = entry instanceof Y.Map ? entry.get('name') : undefined;
	return typeof name === 'string' ? name : '';
}
