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
import { compareIds } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { getResource } from '../inventory/resources';
import { entryOf, resourceName } from './entries';
import {
	bookingsMap,
	entityId,
	idString,
	LOCAL_ORIGIN,
	readEntities,
	readEntity,
	recordedField,
	recordedFields,
	setRecorded,
	text,
	timestamp,
	type ReadResult
} from '../core/schema';

export const BOOKING_STATUSES = ['requested', 'confirmed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

const TargetSchema = v.variant('kind', [
	v.object({ kind: v.literal('member'), memberId: entityId<'member'>() }),
	v.object({
		kind: v.literal('collective'),
		name: v.pipe(text(120), v.minLength(1)),
		/** Set when the collective asked through a federation: the request this booking answers. */
		federation: v.optional(v.object({ space: idString, collective: idString, request: v.pipe(v.string(), v.maxLength(300)) }))
	})
]);
/** Who receives the slot: one of the members, or another collective, named freely or asking through a federation. */
export type BookingTarget = v.InferOutput<typeof TargetSchema>;

/** A slot ends after it starts; the error names `end`. */
const endAfterStart = <T extends { start: number; end: number }>() =>
	v.forward<T, v.CheckIssue<T>, ['end']>(
		v.check((slot) => slot.end > slot.start, 'must be after start'),
		['end'] as never
	);

const BookingObject = v.object({
	id: entityId<'booking'>(),
	resourceId: entityId<'resource'>(),
	start: timestamp,
	end: timestamp,
	to: TargetSchema,
	note: v.optional(text(1000), ''),
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	confirmedAt: v.optional(v.nullable(timestamp), null),
	confirmedBy: v.optional(v.nullable(entityId<'member'>()), null),
	cancelledAt: v.optional(v.nullable(timestamp), null),
	cancelledBy: v.optional(v.nullable(entityId<'member'>()), null),
	/** The decision that granted this booking, if one did. */
	decisionId: v.optional(v.nullable(entityId<'decision'>()), null),
	/** A member of this collective saw what was lent come back. */
	returnedAt: v.optional(v.nullable(timestamp), null),
	returnedBy: v.optional(v.nullable(entityId<'member'>()), null),
	/** The borrowing collective says it gave it back (through a federation): for a member here to confirm. */
	returnReportedAt: v.optional(v.nullable(timestamp), null)
});
const BookingSchema = v.pipe(v.unknown(), recordedFields, BookingObject, endAfterStart<v.InferOutput<typeof BookingObject>>());

/** A booking as stored, with the status its marks give it. */
export type Booking = v.InferOutput<typeof BookingSchema> & { status: BookingStatus };

const trimmed = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max));

/** An id as a form holds it, a string, read as an id of its kind. */
const typedId = <Kind extends string>() => v.pipe(v.string(), entityId<Kind>());

const BookingInputObject = v.object({
	resourceId: typedId<'resource'>(),
	start: timestamp,
	end: timestamp,
	to: v.variant('kind', [
		v.object({ kind: v.literal('member'), memberId: typedId<'member'>() }),
		v.object({ kind: v.literal('collective'), name: v.pipe(trimmed(120), v.minLength(1)) })
	]),
	note: v.optional(trimmed(1000), '')
});
const BookingInput = v.pipe(BookingInputObject, endAfterStart<v.InferOutput<typeof BookingInputObject>>());
export type BookingInput = v.InferInput<typeof BookingInput>;

/** The resource asked for is not on this device, or was removed from the inventory. */
export type ResourceRefusal = Refusal<'resource_not_found'> | Refusal<'resource_removed'>;
export type RequestResult = { ok: true; id: BookingId } | InvalidField | ResourceRefusal;
/** The booking is not on this device (it never arrived, or its entry does not read). */
export type BookingNotFound = Refusal<'not_found'>;

/** Asks for a slot. The resource must exist here and not be removed. */
export function requestBooking(doc: Y.Doc, input: BookingInput, by: MemberId, now = Date.now()): RequestResult {
	const checked = checkInput(BookingInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const resource = getResource(doc, fields.resourceId);
	if (!resource) return { ok: false, reason: 'resource_not_found' };
	if (resource.removedAt !== null) return { ok: false, reason: 'resource_removed' };
	const id = newId<'booking'>();
	doc.transact(() => {
		bookingsMap(doc).set(id, newEntry(fields, by, now));
		recordActivity(doc, { at: now, by, action: 'booking.requested', subjectKind: 'booking', subjectId: id, summary: resource.name });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

export type ConfirmResult =
	| { ok: true; status: 'confirmed'; overlaps: Booking[] }
	| Refusal<'overlap', { overlaps: Booking[] }>
	| Refusal<'not_requested', { status: BookingStatus }>
	| Refusal<'resource_removed'>
	| BookingNotFound;

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
	if (!entry || !booking) return { ok: false, reason: 'not_found' };
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

export type CancelResult = { ok: true; status: 'cancelled' } | Refusal<'already_cancelled'> | BookingNotFound;

/** Cancels a requested or confirmed booking. A cancelled booking stays cancelled. */
export function cancelBooking(doc: Y.Doc, id: BookingId, by: MemberId, now = Date.now()): CancelResult {
	const entry = entryOf(doc, id);
	if (!entry) return { ok: false, reason: 'not_found' };
	if (entry.get('cancelledAt') != null) return { ok: false, reason: 'already_cancelled' };
	doc.transact(() => {
		entry.set('cancelledAt', now);
		entry.set('cancelledBy', by);
		const resourceId = recordedField(entry, 'resourceId');
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

export type RestoreResult = { ok: true; status: BookingStatus } | Refusal<'not_cancelled'> | BookingNotFound;

/**
 * Takes back a cancellation, as the undo offered right after it: the booking
 * is requested or confirmed again, as it was. A cancellation made on another
 * device that this one has not seen still wins when it arrives.
 */
export function restoreBooking(doc: Y.Doc, id: BookingId, by: MemberId, now = Date.now()): RestoreResult {
	const entry = entryOf(doc, id);
	const booking = getBooking(doc, id);
	if (!entry || !booking) return { ok: false, reason: 'not_found' };
	if (booking.status !== 'cancelled') return { ok: false, reason: 'not_cancelled' };
	doc.transact(() => {
		entry.set('cancelledAt', null);
		entry.set('cancelledBy', null);
		recordActivity(doc, {
			at: now,
			by,
			action: 'booking.restored',
			subjectKind: 'booking',
			subjectId: id,
			summary: resourceName(doc, booking.resourceId)
		});
	}, LOCAL_ORIGIN);
	return { ok: true, status: booking.confirmedAt !== null ? 'confirmed' : 'requested' };
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
	const checked = checkInput(BookingInput, input);
	// The adoption checked this allocation before writing anything: a refusal here is a bug.
	if (!checked.ok) throw new Error(`granted booking refused: ${checked.field} ${checked.problem}`);
	const fields = checked.value;
	doc.transact(() => {
		const entry = newEntry(fields, by, now);
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

/** What another collective asked for through a federation, as the owning collective's bridge reads it. */
export interface ReceivedRequest {
	resourceId: ResourceId;
	start: number;
	end: number;
	note: string;
	/** The asking collective's name, from its verified directory entry. */
	name: string;
	federation: { space: string; collective: string; request: string };
}

/**
 * Writes another collective's request as a *requested* booking, under an id
 * derived from the request, so that two delegates' devices carrying it write
 * one booking. Does nothing when that booking is already here. A member then
 * confirms or declines it like any other. The same known limit as
 * `grantBooking` applies to two devices that write it without seeing each other.
 */
export function receiveBooking(doc: Y.Doc, id: BookingId, request: ReceivedRequest, by: MemberId, now: number): boolean {
	if (bookingsMap(doc).has(id)) return false;
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		setRecorded(entry, {
			resourceId: request.resourceId,
			start: request.start,
			end: request.end,
			to: { kind: 'collective', name: request.name, federation: { ...request.federation } },
			note: request.note,
			createdAt: now,
			createdBy: by
		});
		bookingsMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'booking.requested', subjectKind: 'booking', subjectId: id, summary: resourceName(doc, request.resourceId) });
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

function newEntry(fields: v.InferOutput<typeof BookingInput>, by: MemberId, now: number): Y.Map<unknown> {
	const entry = new Y.Map<unknown>();
	// Nothing of a request changes once made; the marks (confirmed, cancelled, the granting decision) are
	// written when made, and read as null until then.
	setRecorded(entry, { resourceId: fields.resourceId, start: fields.start, end: fields.end, to: { ...fields.to }, note: fields.note, createdAt: now, createdBy: by });
	return entry;
}

function toBooking(stored: v.InferOutput<typeof BookingSchema>): Booking {
	const status: BookingStatus =
		stored.cancelledAt !== null ? 'cancelled' : stored.confirmedAt !== null ? 'confirmed' : 'requested';
	return { ...stored, status };
}

function byStart(a: Booking, b: Booking): number {
	return a.start - b.start || a.end - b.end || compareIds(a.id, b.id);
}
