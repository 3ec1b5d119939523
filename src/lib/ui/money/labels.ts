/** Words for the money codes, in the current language; refusals have their own tables (refusals.ts). */
import type { FundKind, DuesPeriod, DuesChange, DuesStatus, Direction, LedgerCategory, PartyView } from '$lib/domain/money';
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

/** Who the money came from or went to, as a name. */
export function partyText(party: PartyView): string {
	if (party === null) return m.money_party_none();
	return party.name ?? m.someone();
}

/** Where a member's dues stand, as one phrase: late by how much and for how many periods, or up to date. */
export function duesStateText(s: DuesStatus): string {
	if (s.amount === 0) return m.money_dues_exempt();
	if (s.state === 'not_started') return m.money_dues_not_started();
	if (s.state === 'due') return m.money_dues_due({ amount: money(-s.balance, s.currency) });
	if (s.state === 'late') return `${m.money_dues_late({ amount: money(-s.balance, s.currency) })} (${m.money_dues_periods_late({ count: s.periodsLate })})`;
	return s.periodsAhead > 0 ? `${m.money_dues_up_to_date()} · ${m.money_dues_ahead({ count: s.periodsAhead })}` : m.money_dues_up_to_date();
}
