/**
 * Dues collected month by month, for the dues page's chart: what the
 * members' dues asked for in each month, what was paid in it, and how many
 * members were late at its end, as duesStatus (dues.ts) counts them.
 */
import type * as Y from 'yjs';
import { duesStatus } from './dues';
import { readLedger, signed } from './ledger';
import { monthsOf } from './series';

export interface DuesMonth {
	month: string;
	/** Owed by the periods that started in the month. */
	expected: number;
	/** Dues payments dated in the month, net of reversals and refunds. */
	paid: number;
	/** Members late at the month's end (or on `to`, for its last month). */
	late: number;
}

/** Per currency, the months of `from`..`to`. */
export function duesCollection(doc: Y.Doc, from: string, to: string): { currency: string; months: DuesMonth[] }[] {
	const months = monthsOf(from, to);
	const byCurrency = new Map<string, DuesMonth[]>();
	const line = (currency: string) => {
		let kept = byCurrency.get(currency);
		if (!kept) byCurrency.set(currency, (kept = months.map((month) => ({ month, expected: 0, paid: 0, late: 0 }))));
		return kept;
	};
	const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
	const monthEnd = (month: string) => {
		const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
		return end < to ? end : to;
	};
	const expectedOn = (day: string) => {
		const sums = new Map<string, { expected: number; late: number }>();
		for (const s of duesStatus(doc, day).items) {
			const sum = sums.get(s.currency) ?? { expected: 0, late: 0 };
			sum.expected += s.expected;
			if (s.state === 'late') sum.late += 1;
			sums.set(s.currency, sum);
		}
		return sums;
	};
	let before = expectedOn(dayBefore(`${months[0] ?? from.slice(0, 7)}-01`));
	months.forEach((month, i) => {
		const after = expectedOn(monthEnd(month));
		for (const [currency, sum] of after) {
			const kept = line(currency)[i]!;
			kept.expected = sum.expected - (before.get(currency)?.expected ?? 0);
			kept.late = sum.late;
		}
		before = after;
	});
	for (const e of readLedger(doc).items) {
		if (e.category !== 'dues' || e.counterparty?.kind !== 'member' || e.date < from || e.date > to) continue;
		const i = months.indexOf(e.date.slice(0, 7));
		if (i >= 0) line(e.currency)[i]!.paid += signed(e);
	}
	return [...byCurrency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, kept]) => ({ currency, months: kept }));
}
