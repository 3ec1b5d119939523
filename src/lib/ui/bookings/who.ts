import type { Booking } from '$lib/domain/bookings';
import { memberName } from '$lib/domain/space';
import type * as Y from 'yjs';
import * as m from '$lib/paraglide/messages';

/** Who a booking is for, in words: a member's name or another collective's. */
export function bookingTarget(doc: Y.Doc, booking: Booking): string {
	return booking.to.kind === 'member' ? (memberName(doc, booking.to.memberId) ?? m.someone()) : booking.to.name;
}
