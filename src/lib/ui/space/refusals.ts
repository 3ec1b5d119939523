/**
 * Why a change to the space's name and description, or to a member's name,
 * was refused, in the person's language.
 */
import type { InvalidField } from '$lib/domain/core';
import type { MemberSinceResult, SpaceResult } from '$lib/domain/space';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

export const SPACE_FIELDS: FieldLabels = { name: m.collective_name, description: m.description };
export const MEMBER_FIELDS: FieldLabels = { name: m.your_name, memberSince: m.member_since_edit };

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
