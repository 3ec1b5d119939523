/** Words for the money codes and refusals, in the current language. */
import type { FundKind, DuesPeriod, DuesChange, Direction, LedgerCategory, LedgerRefusal, EditResult, ReverseResult } from '$lib/domain/money';
import { parseAmount, type ParseAmountResult } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';
import { formatDate } from '../format';
import { money } from './amounts';

export function fundKindLabel(kind: FundKind): string {
	return { cash: m.money_fund_kind_cash, bank: m.money_fund_kind_bank, budget: m.money_fund_kind_budget }[kind]();
}

export function categoryLabel(category: LedgerCategory): string {
	return {
		dues: m.money_category_dues,
		donation: m.money_category_donation,
		purchase: m.money_category_purchase,
		allocation: m.money_category_allocation,
		transfer: m.money_category_transfer,
		other: m.money_category_other
	}[category]();
}

export function directionLabel(direction: Direction): string {
	return direction === 'in' ? m.money_direction_in() : m.money_direction_out();
}

export function periodLabel(period: DuesPeriod): string {
	return { monthly: m.money_period_monthly, quarterly: m.money_period_quarterly, yearly: m.money_period_yearly }[period]();
}

/** "par mois", to follow an amount. */
export function perPeriodLabel(period: DuesPeriod): string {
	return { monthly: m.money_per_monthly, quarterly: m.money_per_quarterly, yearly: m.money_per_yearly }[period]();
}

/** A change of a dues amount: "12,00 € par mois à partir du 1 janv. 2027". */
export function duesChangeLine(change: DuesChange, currency: string, period: DuesPeriod): string {
	return m.money_dues_change_line({ amount: money(change.amount, currency), per: perPeriodLabel(period), date: formatDate(change.from) });
}

/** Why a typed amount was not read, or null when it was (and is above zero if `positive`). */
export function amountError(result: ParseAmountResult, currency: string, positive = true): string | null {
	if (result.ok) return positive && result.amount === 0 ? m.money_error_amount_zero() : null;
	switch (result.reason) {
		case 'empty':
			return m.money_error_amount_empty();
		case 'invalid':
			return m.money_error_amount_invalid();
		case 'negative':
			return m.money_error_amount_negative();
		case 'too_many_decimals':
			return m.money_error_amount_decimals({ currency });
		case 'too_large':
			return m.money_error_amount_large();
	}
}

/** A typed dues amount per period, in minor units (zero exempts), or why it was not read. */
export function readDuesAmount(text: string, currency: string): { ok: true; amount: number } | { ok: false; error: string } {
	const parsed = parseAmount(text, currency);
	if (parsed.ok) return { ok: true, amount: parsed.amount };
	const error = parsed.reason === 'empty' ? null : amountError(parsed, currency, false);
	return { ok: false, error: error ?? m.money_error_dues_amount() };
}

export function refusalMessage(reason: LedgerRefusal | 'same_fund'): string {
	switch (reason) {
		case 'fund_not_found':
			return m.money_refused_fund_not_found();
		case 'fund_archived':
			return m.money_refused_fund_archived();
		case 'currency_mismatch':
			return m.money_refused_currency();
		case 'budget_line_not_found':
			return m.money_refused_line();
		case 'same_fund':
			return m.money_refused_same_fund();
	}
}

export function reverseError(reason: Extract<ReverseResult, { ok: false }>['reason']): string {
	return {
		not_found: m.money_error_entry_gone,
		already_reversed: m.money_error_already_reversed,
		is_reversal: m.money_error_is_reversal
	}[reason]();
}

export function editError(reason: Extract<EditResult, { ok: false }>['reason']): string {
	return {
		not_found: m.money_error_entry_gone,
		reversal_follows_original: m.money_error_reversal_follows,
		category_fixed: m.money_error_category_fixed,
		budget_line_not_found: m.money_refused_line
	}[reason]();
}
