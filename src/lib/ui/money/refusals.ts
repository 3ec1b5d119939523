/**
 * Why a money write was refused, in the person's language: one table per
 * family of writes (funds and their lines, entries and transfers, corrections,
 * dues), and the names of the fields the forms show.
 */
import type {
	AddLineResult,
	CreateFundResult,
	DuesChangeResult,
	EditResult,
	FundChangeResult,
	RecordResult,
	RemoveDuesChangeResult,
	RemoveDuesResult,
	ReverseResult,
	SetDuesResult,
	TransferResult
} from '$lib/domain/money';
import * as m from '$lib/paraglide/messages';
import { formatDate } from '../format';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

export { saveRefusal, type Failure } from '../refusals';

/** The fields of the money forms, by the key the domain names when it refuses one. */
export const MONEY_FIELDS: FieldLabels = {
	name: m.name,
	kind: m.kind,
	currency: m.currency,
	description: m.description,
	lines: m.money_budget_lines,
	label: m.money_line_label,
	planned: m.money_planned,
	fundId: m.money_fund,
	fromFundId: m.money_transfer_from_fund,
	toFundId: m.money_transfer_to_fund,
	amount: m.money_amount,
	date: m.money_date,
	direction: m.money_direction,
	category: m.money_category,
	counterparty: m.money_counterparty,
	'counterparty.name': m.money_party_name,
	'counterparty.memberId': m.money_member,
	memberId: m.money_member,
	note: m.note,
	budgetLineId: m.money_budget_line,
	needId: m.money_need,
	decisionId: m.money_decision,
	reason: m.money_reverse_reason,
	period: m.money_dues_period,
	start: m.money_dues_start,
	from: m.money_dues_start
};

const invalidField = (refusal: Parameters<typeof invalidFieldText>[0]) => invalidFieldText(refusal, MONEY_FIELDS);

/** Creating, editing and archiving a fund, and its budget lines. */
export const fundRefusals: RefusalMessages<Failure<CreateFundResult | FundChangeResult | AddLineResult>> = {
	invalid_field: invalidField,
	fund_not_found: () => m.money_refused_fund_not_found(),
	not_a_budget: () => m.money_refused_not_a_budget(),
	lines_unreadable: () => m.money_refused_lines_unreadable(),
	budget_line_not_found: () => m.money_refused_line()
};

/** Recording an entry, a transfer or a dues payment. */
export const entryRefusals: RefusalMessages<Failure<RecordResult | TransferResult>> = {
	invalid_field: invalidField,
	fund_not_found: () => m.money_refused_fund_not_found(),
	fund_archived: () => m.money_refused_fund_archived(),
	currency_mismatch: () => m.money_refused_currency(),
	budget_line_not_found: () => m.money_refused_line(),
	same_fund: () => m.money_refused_same_fund()
};

/** Editing or reversing an entry. */
export const correctionRefusals: RefusalMessages<Failure<EditResult | ReverseResult>> = {
	invalid_field: invalidField,
	not_found: () => m.money_error_entry_gone(),
	already_reversed: () => m.money_error_already_reversed(),
	is_reversal: () => m.money_error_is_reversal(),
	reversal_follows_original: () => m.money_error_reversal_follows(),
	category_fixed: () => m.money_error_category_fixed(),
	budget_line_not_found: () => m.money_refused_line()
};

/** Setting or stopping dues. */
export const duesRefusals: RefusalMessages<Failure<SetDuesResult | RemoveDuesResult>> = {
	invalid_field: invalidField,
	no_setting: () => m.money_dues_change_error_gone()
};

/** Changing a dues amount from a date on, or taking a change back, for a setting that starts on `start`. */
export function duesChangeRefusals(start: string): RefusalMessages<Failure<DuesChangeResult | RemoveDuesChangeResult>> {
	return {
		invalid_field: invalidField,
		no_setting: () => m.money_dues_change_error_gone(),
		not_after_start: () => m.money_dues_change_error_after_start({ date: formatDate(start) })
	};
}

