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

export interface CategoryFlow {
	category: LedgerCategory;
	/** Money that came in under this category, net of reversals. */
	received: number;
	/** Money that went out under this category, net of reversals. */
	spent: number;
}

export interface CurrencyFlows {
	currency: string;
	categories: CategoryFlow[];
	received: number;
	spent: number;
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
}

/** The report for dates `from`..`to` inclusive (YYYY-MM-DD, the device's calendar). */
export function transparencyReport(doc: Y.Doc, from: string, to: string): TransparencyReport {
	const entries = listEntries(doc, { from, to }).items;
	const start = new Date(`${from}T00:00:00`).getTime();
	const end = new Date(`${to}T23:59:59.999`).getTime();
	const bookings = listBookings(doc, { from: start, to: end + 1 }).items.filter((b) => b.start >= start && b.start <= end);
	const activity = listActivity(doc, { from: start, to: end }).items.filter((a) => a.decisionId !== null);

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
		decisions: [...traces.values()].sort((a, b) => compareNames(a.title ?? '', b.title ?? '') || compareIds(a.decisionId, b.decisionId)),
		bookings
	};
}

/** A reversal keeps its original's category; it counts against the original's direction. */
function originalDirection(e: LedgerEntry): 'in' | 'out' {
	if (!e.reverses) return e.direction;
	return e.direction === 'in' ? 'out' : 'in';
}

function flowsOf(entries: readonly LedgerEntry[]): CurrencyFlows[] {
	const byCurrency = new Map<string, CurrencyFlows>();
	for (const e of entries) {
		// Transfers move money between the collective's own funds: neither received nor spent.
		if (e.category === 'transfer') continue;
		let flows = byCurrency.get(e.currency);
		if (!flows) {
			flows = { currency: e.currency, categories: [], received: 0, spent: 0, spentWithoutDecision: 0 };
			byCurrency.set(e.currency, flows);
		}
		let category = flows.categories.find((c) => c.category === e.category);
		if (!category) {
			category = { category: e.category, received: 0, spent: 0 };
			flows.categories.push(category);
		}
		if (originalDirection(e) === 'in') {
			category.received += signed(e);
			flows.received += signed(e);
		} else {
			category.spent -= signed(e);
			flows.spent -= signed(e);
			if (!e.decisionId) flows.spentWithoutDecision -= signed(e);
		}
	}
	return [...byCurrency.values()]
		.map((f) => ({ ...f, categories: f.categories.sort((a, b) => compareIds(a.category, b.category)) }))
		.sort((a, b) => compareIds(a.currency, b.currency));
}
