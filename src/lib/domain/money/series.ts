/**
 * Money over time, for the charts: a fund's balance at each month's end, and
 * what came in and went out each month by category. Transfers between the
 * collective's own funds move a balance but are neither income nor spending
 * (flows.ts), so they are left out of the monthly flows.
 */
import type * as Y from 'yjs';
import type { FundId } from '../core/ids';
import { flowOf } from './flows';
import { getFund } from './funds';
import { readLedger, signed, type LedgerCategory, type LedgerEntry } from './ledger';

/** The months that `from`..`to` (YYYY-MM-DD) touch, as YYYY-MM. */
export function monthsOf(from: string, to: string): string[] {
	const months: string[] = [];
	let year = Number(from.slice(0, 4));
	let month = Number(from.slice(5, 7));
	const last = to.slice(0, 7);
	for (;;) {
		const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
		if (key > last) break;
		months.push(key);
		month++;
		if (month > 12) {
			month = 1;
			year++;
		}
	}
	return months;
}

/** The `count` months up to and including the one of `today`, oldest first, as a period. */
export function lastMonths(today: string, count: number): { from: string; to: string } {
	const year = Number(today.slice(0, 4));
	const month = Number(today.slice(5, 7)) - (count - 1);
	const first = new Date(Date.UTC(year, month - 1, 1)).toISOString().slice(0, 10);
	return { from: first, to: today };
}

export interface BalancePoint {
	month: string;
	balance: number;
}

/**
 * A fund's balance at the end of each month of `from`..`to` (the last one at
 * `to`), from its entries in its own currency; the first point carries all
 * that came before.
 */
export function monthEndBalances(entries: readonly LedgerEntry[], currency: string, from: string, to: string): { opening: number; points: BalancePoint[] } {
	let opening = 0;
	const byMonth = new Map<string, number>();
	for (const entry of entries) {
		if (entry.currency !== currency || entry.date > to) continue;
		if (entry.date < from) opening += signed(entry);
		else byMonth.set(entry.date.slice(0, 7), (byMonth.get(entry.date.slice(0, 7)) ?? 0) + signed(entry));
	}
	let running = opening;
	const points = monthsOf(from, to).map((month) => {
		running += byMonth.get(month) ?? 0;
		return { month, balance: running };
	});
	return { opening, points };
}

export interface MonthFlow {
	month: string;
	received: number;
	spent: number;
	/** The same, by category; categories with nothing that month are absent. */
	byCategory: Partial<Record<LedgerCategory, { received: number; spent: number }>>;
}

/** Per currency, what came in and went out from outside each month of `from`..`to`. */
export function monthlyFlows(entries: readonly LedgerEntry[], from: string, to: string): { currency: string; months: MonthFlow[] }[] {
	// An open start ("since the beginning") begins with the first entry, not in year one.
	const first = entries.reduce<string | null>((min, e) => (min === null || e.date < min ? e.date : min), null);
	if (first === null) return [];
	const months = monthsOf(first > from ? first : from, to);
	const byCurrency = new Map<string, Map<string, MonthFlow>>();
	for (const entry of entries) {
		if (entry.date < from || entry.date > to) continue;
		const flow = flowOf(entry);
		if (flow.side !== 'received' && flow.side !== 'spent') continue;
		let perMonth = byCurrency.get(entry.currency);
		if (!perMonth) {
			perMonth = new Map(months.map((month) => [month, { month, received: 0, spent: 0, byCategory: {} }]));
			byCurrency.set(entry.currency, perMonth);
		}
		const month = perMonth.get(entry.date.slice(0, 7))!;
		month[flow.side] += flow.amount;
		const category = (month.byCategory[entry.category] ??= { received: 0, spent: 0 });
		category[flow.side] += flow.amount;
	}
	return [...byCurrency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, perMonth]) => ({ currency, months: [...perMonth.values()] }));
}

/** A fund's month-end balances over `from`..`to`, read from the document; null for a fund not here. */
export function fundBalanceSeries(doc: Y.Doc, fundId: FundId, from: string, to: string): { currency: string; points: BalancePoint[] } | null {
	const fund = getFund(doc, fundId);
	if (!fund) return null;
	const own = readLedger(doc).items.filter((e) => e.fundId === fundId);
	return { currency: fund.currency, points: monthEndBalances(own, fund.currency, from, to).points };
}

/** The ledger's monthly flows over `from`..`to`, read from the document. */
export function ledgerMonthlyFlows(doc: Y.Doc, from: string, to: string): { currency: string; months: MonthFlow[] }[] {
	return monthlyFlows(readLedger(doc).items, from, to);
}
