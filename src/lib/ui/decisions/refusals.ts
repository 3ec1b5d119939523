/**
 * Why a decision write was refused, in the person's language: one table per
 * family of writes, and the names of the fields the forms show. Tables whose
 * sentences name a member or a choice take what they need to say it.
 */
import type {
	AddAllocationResult,
	ApplyResult,
	CloseResult,
	CommentResult,
	CreateDecisionResult,
	DecisionUpdate,
	EffectRefusal,
	PositionResult,
	Process,
	ResolveResult,
	TallyResult,
	VoidTallyResult,
	WithdrawAllocationResult
} from '$lib/domain/decisions';
import type { InvalidField } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';
import { choiceLabel, type Names } from './labels';

export { saveError, type Failure } from '../refusals';

/** The fields of the decision forms, by the key the domain names when it refuses one. */
export const DECISION_FIELDS: FieldLabels = {
	title: m.decision_title,
	proposal: m.decision_proposal,
	process: m.decision_process,
	majority: m.decision_majority,
	options: m.decision_poll_options,
	multiple: m.decision_poll_multiple,
	quorum: m.decision_quorum,
	closesAt: m.decision_closes_at,
	reviewOn: m.decision_review_on,
	allocations: m.decision_allocations,
	choice: m.decision_field_choice,
	reason: m.decision_field_reason,
	text: m.decision_comment,
	outcome: m.decision_outcome,
	statement: m.decision_statement,
	note: m.decision_field_note,
	hands: m.decision_tally_members,
	anonymous: m.decision_tally_guests,
	kind: m.decision_allocation_kind,
	fundId: m.decision_allocation_fund,
	amount: () => m.decision_allocation_amount({ currency: '' }).trim(),
	currency: m.currency,
	needId: m.decision_allocation_need,
	budgetLineId: m.decision_allocation_line,
	resourceId: m.decision_allocation_resource,
	start: m.decision_allocation_start,
	end: m.decision_allocation_end,
	to: m.decision_allocation_recipient
};

const invalidField = (refusal: InvalidField) => invalidFieldText(refusal, DECISION_FIELDS);

/** An allocation this device cannot carry out, in a few words: "le fonds est archivé". */
export function effectRefusalText(refusal: EffectRefusal): string {
	return {
		fund_not_found: m.decision_refusal_fund_not_found,
		fund_archived: m.decision_refusal_fund_archived,
		currency_mismatch: m.decision_refusal_currency_mismatch,
		budget_line_not_found: m.decision_refusal_budget_line_not_found,
		need_not_found: m.decision_refusal_need_not_found,
		resource_not_found: m.decision_refusal_resource_not_found,
		resource_removed: m.decision_refusal_resource_removed,
		key_taken: m.decision_refusal_key_taken,
		member_not_found: m.decision_refusal_member_not_found
	}[refusal]();
}

const notFound = () => m.decision_refused_not_found();

/** Opening a proposal. */
export const createRefusals: RefusalMessages<Failure<CreateDecisionResult>> = {
	invalid_field: invalidField,
	closes_in_past: () => m.decision_error_closes_at(),
	allocation_refused: (r) => m.decision_error_allocation_refused({ number: r.index + 1, reason: effectRefusalText(r.refusal) })
};

/** Editing a proposal. */
export const editRefusals: RefusalMessages<Failure<DecisionUpdate>> = {
	invalid_field: invalidField,
	closed: () => m.decision_error_closed_meanwhile(),
	not_found: notFound
};

/** Adding to the discussion. */
export const commentRefusals: RefusalMessages<Failure<CommentResult>> = {
	invalid_field: invalidField,
	not_found: notFound
};

/** Taking a position. */
export const positionRefusals: RefusalMessages<Failure<PositionResult>> = {
	invalid_field: invalidField,
	not_a_choice: () => m.decision_refused_not_a_choice(),
	reason_required: () => m.decision_error_reason(),
	closed: () => m.decision_error_closed(),
	not_found: notFound
};

/** Recording a show of hands; the sentences name the member with `names` and the choice under `process`. */
export function tallyRefusals(names: Names, process: Process): RefusalMessages<Failure<TallyResult>> {
	return {
		invalid_field: invalidField,
		hand_not_a_choice: (r) => m.decision_error_hand({ name: names.member(r.memberId) }),
		hand_reason_required: (r) => m.decision_error_hand_reason({ name: names.member(r.memberId) }),
		counted_twice: (r) => m.decision_refused_counted_twice({ name: names.member(r.memberId) }),
		not_a_member: (r) => m.decision_refused_not_a_member({ name: names.member(r.memberId) }),
		guests_not_a_choice: (r) => m.decision_refused_guests_choice({ choice: choiceLabel(process, r.choice) }),
		empty: () => m.decision_error_tally_empty(),
		closed: () => m.decision_error_closed(),
		not_found: notFound
	};
}

/** Setting a tally aside. */
export const voidRefusals: RefusalMessages<Failure<VoidTallyResult>> = {
	already_void: () => m.decision_refused_already_void(),
	tally_not_found: () => m.decision_refused_tally_not_found(),
	not_found: notFound
};

/** Adding allocation `number` (from 1) to an open proposal. */
export function addAllocationRefusals(number: number): RefusalMessages<Failure<AddAllocationResult>> {
	return {
		invalid_field: invalidField,
		effect_refused: (r) => m.decision_error_allocation_refused({ number, reason: effectRefusalText(r.refusal) }),
		closed: () => m.decision_error_closed_meanwhile(),
		not_found: notFound
	};
}

/** Withdrawing an allocation. */
export const withdrawRefusals: RefusalMessages<Failure<WithdrawAllocationResult>> = {
	closed: () => m.decision_error_closed_meanwhile(),
	already_withdrawn: () => m.decision_refused_already_withdrawn(),
	allocation_not_found: () => m.decision_refused_allocation_not_found(),
	not_found: notFound
};

/** Closing a decision. */
export const closeRefusals: RefusalMessages<Failure<CloseResult>> = {
	invalid_field: invalidField,
	already_closed: () => m.decision_error_already_closed(),
	not_found: notFound
};

/** Carrying out the allocations still pending. */
export const applyRefusals: RefusalMessages<Failure<ApplyResult>> = {
	not_adopted: () => m.decision_refused_not_adopted(),
	not_found: notFound
};

/** Keeping one of several disagreeing closings. */
export const resolveRefusals: RefusalMessages<Failure<ResolveResult>> = {
	closing_not_found: () => m.decision_refused_closing_not_found(),
	not_found: notFound
};
