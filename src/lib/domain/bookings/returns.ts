/**
 * A loan coming back: a member records that what was lent is back, and the bridge
 * notes that a borrowing collective says it gave it back.
 */
import type * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import type { BookingId, MemberId } from '../core/ids';
import type { Refusal } from '../core/refusals';
import { LOCAL_ORIGIN } from '../core/schema';
import { getBooking, type BookingNotFound } from './bookings';
import { entryOf, resourceName } from './entries';

export type ReturnResult = { ok: true } | Refusal<'not_confirmed'> | Refusal<'already_returned'> | BookingNotFound;

/**
 * Records that what was lent came back. Only a confirmed booking is returned; a
 * cancellation arriving from another device still wins over it, as over the confirmation.
 */
export function markReturned(doc: Y.Doc, id: BookingId, by: MemberId, now = Date.now()): ReturnResult {
	const entry = entryOf(doc, id);
	const booking = getBooking(doc, id);
	if (!entry || !booking) return { ok: false, reason: 'not_found' };
	if (booking.status !== 'confirmed') return { ok: false, reason: 'not_confirmed' };
	if (booking.returnedAt !== null) return { ok: false, reason: 'already_returned' };
	doc.transact(() => {
		entry.set('returnedAt', now);
		entry.set('returnedBy', by);
		recordActivity(doc, {
			at: now,
			by,
			action: 'booking.returned',
			subjectKind: 'booking',
			subjectId: id,
			summary: resourceName(doc, booking.resourceId)
		});
	}, LOCAL_ORIGIN);
	return { ok: true };
}

/**
 * Notes that the borrowing collective says it gave back what it borrowed, as the
 * bridge reads it from the federation. Written once; the return itself waits for a
 * member here to confirm it. Returns whether anything was written.
 */
export function noteReturnReported(doc: Y.Doc, id: BookingId, now: number): boolean {
	const entry = entryOf(doc, id);
	const booking = getBooking(doc, id);
	if (!entry || !booking || booking.returnReportedAt !== null || booking.returnedAt !== null) return false;
	doc.transact(() => entry.set('returnReportedAt', now), LOCAL_ORIGIN);
	return true;
}
