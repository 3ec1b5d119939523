import type { BookingRow, BookingStatus, BookingWho } from '$lib/domain/bookings';
import { formatSlot } from '../format';
import * as m from '$lib/paraglide/messages';

/** Who a booking is for, in words: a member's name or another collective's. */
export function whoName(who: BookingWho): string {
	return who.name ?? m.someone();
}

export function statusLabel(status: BookingStatus): string {
	return { requested: m.booking_status_requested, confirmed: m.booking_status_confirmed, cancelled: m.booking_status_cancelled }[status]();
}

/** "Ce créneau chevauche : 12 déc. 18:00 – 20:00, pour Chorale (Confirmée)." Null when it meets nothing. */
export function overlapQuestion(rows: readonly BookingRow[]): string | null {
	if (rows.length === 0) return null;
	const list = rows
		.map(({ booking, who }) => m.booking_overlap_item({ slot: formatSlot(booking.start, booking.end), who: whoName(who), status: statusLabel(booking.status).toLowerCase() }))
		.join(' ; ');
	return m.booking_overlaps_request({ list });
}
