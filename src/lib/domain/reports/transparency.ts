/**
 * Where the money and the resources went over a period: by category, by
 * decision, and what moved without one. Everything is derived from the ledger,
 * the bookings and the history, so the page can never disagree with them.
 */
import type * as Y from 'yjs';
import { listActivity, type Activity } from '../core/activity';
import { listBookings, type Booking } from '../bookings/bookings';
import { getDecision } from '../decisions/decisions';
import type { DecisionId } from '../core/ids';
import { compareIds, compareNames } from '../core/order';
import { listEntries, signed, type LedgerCategory, type LedgerEntry } from '../money/ledger';
import { addFlow, sortedFlows, type MoneyFlows } from '../money/flows';

export interface CategoryFlow {
	category: LedgerCategory;
	/** Money that came in under this category, net of reversals. */
	received: number;
	/** Money that went out under this category, net of reversals. */
	spent: number;
}

/** A currency's flows as the ledger counts them (money/flows.ts), by category, and what no decision authorised. */
export interface CurrencyFlows extends MoneyFlows {
	categories: CategoryFlow[];
	/** Of `spent`, what no decision authorised. */
	spentWithoutDecision: number;
}

export interface DecisionTrace {
	decisionId: DecisionId;
	/** Null when the decision has not reached this device (its effects can arrive first). */
	title: string | null;
	outcome: string | null;
	/** Net money out per currency under this decision. */
	spent: Map<string, number>;
	entries: LedgerEntry[];
	bookings: Booking[];
	activity: Activity[];
}

export interface TransparencyReport {
	from: string;
	to: string;
	flows: CurrencyFlows[];
	decisions: DecisionTrace[];
	/** Bookings and loans that start in the period, granted by a decision or not. */
	bookings: Booking[];
	/** Money given to or received from other collectives through a federation, each naming the other collective. */
	betweenCollectives: LedgerEntry[];
}

/**
 * The report for dates `from`..`to` inclusive (YYYY-MM-DD, the device's calendar).
 * Decisions' history lines come from the space and, when given, its archive.
 */
export function transparencyReport(doc: Y.Doc, from: string, to: string, archive: Y.Doc | null = null): TransparencyReport {
	const entries = listEntries(doc, { from, to }).items;
	const start = new Date(`${from}T00:00:00`).getTime();
	const end = new Date(`${to}T23:59:59.999`).getTime();
	const bookings = listBookings(doc, { from: start, to: end + 1 }).items.filter((b) => b.start >= start && b.start <= end);
	const activity = listActivity(doc, { from: start, to: end }, archive).items.filter((a) => a.decisionId !== null);

	const traces = new Map<DecisionId, DecisionTrace>();
	const trace = (id: DecisionId): DecisionTrace => {
		let t = traces.get(id);
		if (!t) {
			const decision = getDecision(doc, id);
			t = {
				decisionId: id,
				title: decision?.title ?? null,
				outcome: decision?.closing?.outcome ?? null,
				spent: new Map(),
				entries: [],
				bookings: [],
				activity: []
			};
			traces.set(id, t);
		}
		return t;
	};
	for (const e of entries) {
		if (!e.decisionId || e.category === 'transfer') continue;
		const t = trace(e.decisionId);
		t.entries.push(e);
		if (originalDirection(e) === 'out') t.spent.set(e.currency, (t.spent.get(e.currency) ?? 0) - signed(e));
	}
	for (const b of bookings) if (b.decisionId) trace(b.decisionId).bookings.push(b);
	for (const a of activity) trace(a.decisionId!).activity.push(a);

	return {
		from,
		to,
		flows: flowsOf(entries),
		decisions: [...traces.values()].sort(byTitle),
		bookings,
		betweenCollectives: entries.filter((e) => e.reference != null && e.reverses === null)
	};
}

const byTitle = (a: DecisionTrace, b: DecisionTrace) => compareNames(a.title ?? '', b.title ?? '') || compareIds(a.decisionId, b.decisionId);

/**
 * A report made from the space alone, completed with the decisions' history lines
 * of the space's archive: the same as the report made from both, for a report
 * made elsewhere (a worker that reads only the space).
 */
export function withArchivedActivity<R extends TransparencyReport | Omit<TransparencyReport, 'bookings'>>(report: R, doc: Y.Doc, archive: Y.Doc): R {
	const start = new Date(`${report.from}T00:00:00`).getTime();
	const end = new Date(`${report.to}T23:59:59.999`).getTime();
	const archived = listActivity(archive, { from: start, to: end }).items.filter((a) => a.decisionId !== null);
	if (archived.length === 0) return report;
	const traces = new Map(report.decisions.map((t) => [t.decisionId, { ...t, activity: [...t.activity] }]));
	const known = new Set(report.decisions.flatMap((t) => t.activity.map((a) => a.id)));
	for (const a of archived) {
		if (known.has(a.id)) continue;
		known.add(a.id);
		const id = a.decisionId!;
		let t = traces.get(id);
		if (!t) {
			const decision = getDecision(doc, id);
			t = { decisionId: id, title: decision?.title ?? null, outcome: decision?.closing?.outcome ?? null, spent: new Map(), entries: [], bookings: [], activity: [] };
			traces.set(id, t);
		}
		t.activity.push(a);
	}
	for (const t of traces.values()) t.activity.sort((x, y) => y.at - x.at || compareIds(x.id, y.id));
	return { ...report, decisions: [...traces.values()].sort(byTitle) };
}

/** A reversal keeps its original's category; it counts against the original's direction. */
function originalDirection(e: LedgerEntry): 'in' | 'out' {
	if (!e.reverses) return e.direction;
	return e.direction === 'in' ? 'out' : 'in';
}

function flowsOf(entries: readonly LedgerEntry[]): CurrencyFlows[] {
	const totals = new Map<string, MoneyFlows>();
	const details = new Map<string, { categories: CategoryFlow[]; spentWithoutDecision: number }>();
	for (const e of entries) {
		const flow = addFlow(totals, e);
		let detail = details.get(e.currency);
		if (!detail) details.set(e.currency, (detail = { categories: [], spentWithoutDecision: 0 }));
		// Transfers move money between the collective's own funds: their own line, no category.
		if (flow.side !== 'received' && flow.side !== 'spent') continue;
		let category = detail.categories.find((c) => c.category === e.category);
		if (!category) {
			category = { category: e.category, received: 0, spent: 0 };
			detail.categories.push(category);
		}
		category[flow.side] += flow.amount;
		if (flow.side === 'spent' && !e.decisionId) detail.spentWithoutDecision += flow.amount;
	}
	return sortedFlows(totals).map((f) => {
		const detail = details.get(f.currency) ?? { categories: [], spentWithoutDecision: 0 };
		return { ...f, categories: detail.categories.sort((a, b) => compareIds(a.category, b.category)), spentWithoutDecision: detail.spentWithoutDecision };
	});
}
