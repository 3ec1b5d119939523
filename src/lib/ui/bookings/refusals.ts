/**
 * Why a booking write was refused, in the person's language, and the names of
 * the fields the booking form shows.
 */
import type { CancelResult, ConfirmResult, RequestResult, RestoreResult, ReturnResult } from '$lib/domain/bookings';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

/** The fields of the booking form, by the key the domain names when it refuses one. */
export const BOOKING_FIELDS: FieldLabels = {
	resourceId: m.booking_resource,
	start: m.booking_start,
	end: m.booking_end,
	to: m.booking_for,
	'to.memberId': m.booking_member,
	'to.name': m.booking_collective,
	note: m.note
};

/** Asking for a slot. */
export const requestRefusals: RefusalMessages<Failure<RequestResult>> = {
	invalid_field: (refusal) =>
		refusal.field === 'end' && refusal.problem === 'malformed' ? m.error_booking_order() : invalidFieldText(refusal, BOOKING_FIELDS),
	resource_not_found: () => m.inventory_refused_not_found(),
	resource_removed: () => m.error_booking_removed()
};

/** Confirming or cancelling a booking. */
export const bookingMarkRefusals: RefusalMessages<Failure<ConfirmResult | CancelResult>> = {
	overlap: () => m.booking_overlap_warning(),
	not_requested: () => m.error_booking_state(),
	resource_removed: () => m.error_booking_removed(),
	already_cancelled: () => m.error_booking_already_cancelled(),
	not_found: () => m.error_booking_gone()
};

/** Recording that what was lent came back. */
export const returnRefusals: RefusalMessages<Failure<ReturnResult>> = {
	not_confirmed: () => m.error_booking_not_confirmed(),
	already_returned: () => m.error_booking_already_returned(),
	not_found: () => m.error_booking_gone()
};

/** Taking a cancellation back. */
export const restoreRefusals: RefusalMessages<Failure<RestoreResult>> = {
	not_cancelled: () => m.error_booking_not_cancelled(),
	not_found: () => m.error_booking_gone()
};
