/**
 * Why a change to the space's name and description, or to a member's name,
 * was refused, in the person's language.
 */
import type { InvalidField, MemberId } from '$lib/domain/core';
import type { AddWithoutDeviceResult, ClaimResult, MemberSinceResult, SpaceResult } from '$lib/domain/space';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

export const SPACE_FIELDS: FieldLabels = { name: m.collective_name, description: m.description };
export const MEMBER_FIELDS: FieldLabels = { name: m.your_name, memberSince: m.member_since_edit };
export const WITHOUT_DEVICE_FIELDS: FieldLabels = {
	name: m.without_device_name,
	memberSince: m.without_device_since,
	contact: m.without_device_contact
};

/** The space's name, created or edited. */
export const spaceRefusals: RefusalMessages<Failure<SpaceResult>> = {
	invalid_field: (refusal) =>
		refusal.field === 'name' ? m.error_space_name_required() : invalidFieldText(refusal, SPACE_FIELDS)
};

/** A member's own name. */
export const memberRefusals: RefusalMessages<InvalidField> = {
	invalid_field: (refusal) => (refusal.field === 'name' ? m.error_name_required() : invalidFieldText(refusal, MEMBER_FIELDS))
};

/** The day a member joined, set or cleared. */
export const memberSinceRefusals: RefusalMessages<Failure<MemberSinceResult>> = {
	invalid_field: (refusal) => invalidFieldText(refusal, MEMBER_FIELDS),
	member_not_found: () => m.member_since_refused_missing()
};

/** A person without a phone, added by hand. */
export const withoutDeviceRefusals: RefusalMessages<Failure<AddWithoutDeviceResult>> = {
	invalid_field: (refusal) => (refusal.field === 'name' && refusal.problem !== 'too_long' ? m.error_without_device_name() : invalidFieldText(refusal, WITHOUT_DEVICE_FIELDS))
};

/** Saying "this is me" on an entry made by hand; `nameOf` names the members the refusal points at. */
export function claimRefusals(nameOf: (id: MemberId) => string): RefusalMessages<Failure<ClaimResult>> {
	return {
		member_not_found: () => m.claim_error_not_found(),
		has_device: () => m.claim_error_has_device(),
		already_claimed: (refusal) => m.claim_error_already({ name: nameOf(refusal.by) }),
		claims_another: (refusal) => m.claim_error_another({ name: nameOf(refusal.entry) })
	};
}
