import type { BookingWho } from '$lib/domain/bookings';
import * as m from '$lib/paraglide/messages';

/** Who a booking is for, in words: a member's name or another collective's. */
export function whoName(who: BookingWho): string {
	return who.name ?? m.someone();
}
