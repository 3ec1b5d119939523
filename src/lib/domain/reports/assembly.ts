/**
 * The general assembly pack: what a collective shows its members once a year
 * (or a quarter) for a chosen period. The accounts of each fund by category,
 * with the money that only moved between the collective's own funds apart;
 * each budget planned against spent; dues as they stand at the period's end;
 * the decisions closed in the period with their results and effects; the
 * needs and what was pledged to them; what was lent or booked. Everything is
 * derived from the document, like every other report, so the pack can never
 * disagree with the pages it sums up.
 */
import type * as Y from 'yjs';
import { localDate } from '../core/dates';
import type { DecisionId, FundId, NeedId } from '../core/ids';
import { listBookings } from '../bookings/bookings';
import { bookingRows, type BookingRow } from '../bookings/views';
import { listDecisions } from '../decisions/decisions';
import { resultsOf } from '../decisions/results';
import type { Process } from '../decisions/process';
import type { Effect, Outcome } from '../decisions/schema';
import { budgetReportOf, type BudgetReport } from '../money/balances';
import { duesStatus, type DuesStatus } from '../money/dues';
import { flowOf } from '../money/flows';
import { monthEndBalances, monthlyFlows, type BalancePoint, type MonthFlow } from '../money/series';
import { budgetLines, listFunds, type FundKind } from '../money/funds';
import { readLedger, type LedgerCategory, type LedgerEntry } from '../money/ledger';
import { needsListView } from '../needs/views';
import type { NeedKind } from '../needs/needs';
import { listNeeds } from '../needs/progress';
import type { NeedProgress } from '../needs/progress';
import { claimsOf, currentMembers } from '../space/without-device';

export interface CategoryLine {
	category: LedgerCategory;
	received: number;
	spent: number;
}

export interface FundAccount {
	fundId: FundId;
	name: string;
	kind: FundKind;
	currency: string;
	archived: boolean;
	/** The balance on the eve of the period. */
	opening: number;
	/** Money from and to outside, by category, net of reversals; transfers are not among them. */
	categories: CategoryLine[];
	received: number;
	spent: number;
	/** Money moved in from, and out to, the collective's other funds. */
	transferredIn: number;
	transferredOut: number;
	/** The balance at the period's end: opening + received − spent + transferredIn − transferredOut. */
	closing: number;
	balances: BalancePoint[];
}

export interface DuesSummary {
	currency: string;
	expected: number;
	paid: number;
	/** Members behind by more than the current period. */
	late: number;
	members: number;
}

export interface DecisionTaken {
	id: DecisionId;
	title: string;
	process: Process;
	outcome: Outcome;
	closedOn: string;
	statement: string;
	counts: Record<string, number>;
	participants: number;
	/** What the decision allocated, withdrawn allocations left out. */
	effects: Effect[];
}

export interface NeedLine {
	id: NeedId;
	title: string;
	kind: NeedKind;
	progress: Omit<NeedProgress, 'unreadable'>;
}

export interface AssemblyPack {
	from: string;
	to: string;
	funds: FundAccount[];
	/** Per currency, one line per month of the period. */
	months: { currency: string; months: MonthFlow[] }[];
	/** Budget funds' lines, planned against what the period spent. */
	budgets: (BudgetReport & { name: string })[];
	/** Dues on the period's last day, and their sums per currency. */
	dues: { rows: DuesStatus[]; totals: DuesSummary[] };
	decisions: DecisionTaken[];
	/** Needs open at the period's end or closed during it, with their progress on its last day. */
	needs: NeedLine[];
	/** Bookings and loans that start in the period. */
	lent: BookingRow[];
	/** Entries and budget lines this device could not read, left out of the sums. */
	unreadable: number;
}

function fundAccounts(entries: readonly LedgerEntry[], from: string, to: string, doc: Y.Doc): FundAccount[] {
	return listFunds(doc, { archived: 'all' }).items.map((fund) => {
		const own = entries.filter((e) => e.fundId === fund.id && e.currency === fund.currency);
		const { opening, points } = monthEndBalances(own, fund.currency, from, to);
		const account: FundAccount = {
			fundId: fund.id,
			name: fund.name,
			kind: fund.kind,
			currency: fund.currency,
			archived: fund.archived,
			opening,
			categories: [],
			received: 0,
			spent: 0,
			transferredIn: 0,
			transferredOut: 0,
			closing: points.at(-1)?.balance ?? opening,
			balances: points
		};
		const byCategory = new Map<LedgerCategory, CategoryLine>();
		for (const entry of own) {
			if (entry.date < from || entry.date > to) continue;
			const flow = flowOf(entry);
			account[flow.side] += flow.amount;
			if (flow.side === 'received' || flow.side === 'spent') {
				const line = byCategory.get(entry.category) ?? { category: entry.category, received: 0, spent: 0 };
				line[flow.side] += flow.amount;
				byCategory.set(entry.category, line);
			}
		}
		account.categories = [...byCategory.values()].sort((a, b) => b.received + b.spent - (a.received + a.spent) || a.category.localeCompare(b.category));
		return account;
	});
}

function duesSummary(rows: readonly DuesStatus[]): DuesSummary[] {
	const byCurrency = new Map<string, DuesSummary>();
	for (const row of rows) {
		const sum = byCurrency.get(row.currency) ?? { currency: row.currency, expected: 0, paid: 0, late: 0, members: 0 };
		sum.expected += row.expected;
		sum.paid += row.paid;
		sum.members += 1;
		if (row.state === 'late') sum.late += 1;
		byCurrency.set(row.currency, sum);
	}
	return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

function decisionsTaken(doc: Y.Doc, start: number, end: number, to: string): DecisionTaken[] {
	const members = currentMembers(doc).items.map((m) => m.id);
	const claims = claimsOf(doc);
	const taken: DecisionTaken[] = [];
	for (const decision of listDecisions(doc, { status: 'closed' }).items) {
		const closing = decision.closing;
		if (!closing || closing.at < start || closing.at > end) continue;
		const results = resultsOf(decision, members, to, claims);
		taken.push({
			id: decision.id,
			title: decision.title,
			process: decision.process,
			outcome: closing.outcome,
			closedOn: localDate(new Date(closing.at)),
			statement: closing.statement,
			counts: results.counts,
			participants: results.participants,
			effects: decision.allocations.filter((a) => a.withdrawnAt === null).map((a) => a.effect)
		});
	}
	return taken.sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.id.localeCompare(b.id));
}

/**
 * The pack for `from`..`to` inclusive (YYYY-MM-DD, the device's calendar; the
 * two may come in either order).
 */
export function assemblyPack(doc: Y.Doc, from: string, to: string): AssemblyPack {
	if (from > to) [from, to] = [to, from];
	const ledger = readLedger(doc);
	const entries = ledger.items;
	const start = new Date(`${from}T00:00:00`).getTime();
	const end = new Date(`${to}T23:59:59.999`).getTime();

	let unreadable = ledger.unreadable;
	const budgets: AssemblyPack['budgets'] = [];
	for (const fund of listFunds(doc, { kind: 'budget', archived: 'all' }).items) {
		const lines = budgetLines(doc, fund.id);
		unreadable += lines.unreadable;
		const inPeriod = entries.filter((e) => e.fundId === fund.id && e.date >= from && e.date <= to);
		budgets.push({ ...budgetReportOf(fund, lines, inPeriod, 0), name: fund.name });
	}

	const dues = duesStatus(doc, to).items;
	// Needs recorded by the period's end that were still open in it: not closed, or changed during it.
	const dates = new Map(listNeeds(doc).items.map((need) => [need.id, need]));
	const needs = needsListView(doc, to, { status: null, kind: null, search: '' }).items.filter((row) => {
		const need = dates.get(row.id);
		return need !== undefined && need.createdAt <= end && (row.progress.status !== 'closed' || need.updatedAt >= start);
	});
	const lent = listBookings(doc, { from: start }).items.filter((b) => b.start >= start && b.start <= end);

	return {
		from,
		to,
		funds: fundAccounts(entries, from, to, doc),
		months: monthlyFlows(entries, from, to),
		budgets,
		dues: { rows: dues, totals: duesSummary(dues) },
		decisions: decisionsTaken(doc, start, end, to),
		needs: needs.map((need) => ({ id: need.id, title: need.title, kind: need.kind, progress: need.progress })),
		lent: bookingRows(doc, lent),
		unreadable
	};
}
