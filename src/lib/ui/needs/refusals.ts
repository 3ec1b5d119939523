/**
 * Why a write on needs and pledges was refused, in the person's language: one
 * table per family of writes, and the names of the fields the forms show.
 */
import type {
	AddPledgeResult,
	DeliveryResult,
	EditPledgeResult,
	Need,
	NeedAdded,
	NeedStatusChange,
	NeedUpdate,
	UndoMarkResult,
	WithdrawalResult
} from '$lib/domain/needs';
import type { InvalidField } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';
import { formatAmount } from '../format';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

export { saveError, type Failure } from '../refusals';

/** The fields of the needs and pledges forms, by the key the domain names when it refuses one. */
export const NEEDS_FIELDS: FieldLabels = {
	kind: m.need_kind,
	title: m.need_title,
	description: m.description,
	target: m.need_target,
	unit: m.needs_field_unit,
	deadline: m.need_deadline,
	cap: m.need_cap,
	needId: m.needs_field_need,
	memberId: m.pledge_who,
	supporterName: m.supporter_name,
	amount: m.needs_field_amount,
	note: m.note,
	resourceId: m.pledge_resource,
	condition: m.needs_field_condition,
	'condition.threshold': m.needs_field_threshold,
	'condition.by': m.condition_by,
	reason: m.withdraw_reason,
	deliveredOn: m.needs_field_delivered_on
};

const invalidField = (refusal: InvalidField) => invalidFieldText(refusal, NEEDS_FIELDS);

/** Creating or editing a need. */
export const needRefusals: RefusalMessages<Failure<NeedAdded | NeedUpdate>> = {
	invalid_field: invalidField,
	cap_below_target: () => m.error_need_cap(),
	unit_locked: () => m.error_unit_locked(),
	need_not_found: () => m.need_not_found()
};

/** Marking a need met, closing or reopening it. */
export const needStatusRefusals: RefusalMessages<Failure<NeedStatusChange>> = {
	unchanged: () => m.needs_refused_unchanged(),
	need_not_found: () => m.need_not_found()
};

/** Making or correcting a pledge toward `need`: the room left under its cap is said in its unit. */
export function pledgeRefusals(need: Pick<Need, 'kind' | 'unit'>): RefusalMessages<Failure<AddPledgeResult | EditPledgeResult>> {
	return {
		invalid_field: invalidField,
		need_not_found: () => m.need_not_found(),
		resource_not_found: () => m.needs_refused_resource(),
		need_closed: () => m.error_need_closed(),
		condition_past: () => m.error_condition_edit(),
		over_cap: (refusal) => m.error_over_cap({ room: formatAmount(need.kind, refusal.room, need.unit) }),
		pledge_not_found: () => m.needs_refused_pledge_gone(),
		not_a_promise: () => m.error_transition()
	};
}

/** Marking a pledge delivered or withdrawn, or taking a mark back. */
export const pledgeMarkRefusals: RefusalMessages<Failure<DeliveryResult | WithdrawalResult | UndoMarkResult>> = {
	invalid_field: invalidField,
	pledge_not_found: () => m.needs_refused_pledge_gone(),
	delivery_ahead: () => m.needs_refused_delivery_ahead(),
	already_delivered: () => m.error_transition(),
	already_withdrawn: () => m.error_transition(),
	lapsed: () => m.error_transition(),
	condition_pending: () => m.needs_refused_condition_pending(),
	not_marked: () => m.needs_refused_not_marked(),
	not_money: () => m.needs_refused_not_money(),
	fund_not_found: () => m.needs_refused_fund_gone(),
	fund_archived: () => m.needs_refused_fund_archived(),
	currency_mismatch: () => m.needs_refused_fund_currency(),
	// A delivery names no budget line: only a faulty caller gets here.
	budget_line_not_found: () => m.needs_refused_fund_gone()
};
