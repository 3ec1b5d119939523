/**
 * What the ledger adds up to, derived on every read and never stored: fund
 * balances, funds gone below zero (the trace of two devices spending the same
 * euro offline), and budgets against actual spending.
 */
import type * as Y from 'yjs';
import { budgetLines, getFund, listFunds, type BudgetLine, type Fund } from './funds';
import type { BudgetLineId, FundId } from '../core/ids';
import { readLedger, signed, type LedgerEntry } from './ledger';
import type { ReadResult } from '../core/schema';

export interface FundBalance {
	fundId: FundId;
	currency: string;
	/** Signed minor units: in minus out, reversals included. */
	balance: number;
	/** Entries counted. */
	entries: number;
	/** Entries of this fund in another currency, left out of the sum (only a faulty client writes them). */
	mismatched: number;
	/** Ledger entries that could not be read at all, in any fund. */
	unreadable: number;
}

/** The fund's balance, or undefined when the fund does not exist or cannot be read. */
export function fundBalance(doc: Y.Doc, fundId: FundId): FundBalance | undefined {
	const fund = getFund(doc, fundId);
	if (!fund) return undefined;
	const { items, unreadable } = readLedger(doc);
	return balanceOf(fund, items.filter((e) => e.fundId === fundId), unreadable);
}

/** The balance of every readable fund, archived ones included, in the order of `listFunds`. */
export function fundBalances(doc: Y.Doc): FundBalance[] {
	return balancesOf(listFunds(doc, { archived: 'all' }).items, readLedger(doc));
}

/** The entries of each fund, in ledger order: one pass over the ledger for every fund's figures. */
export function entriesByFund(ledger: readonly LedgerEntry[]): Map<FundId, LedgerEntry[]> {
	const byFund = new Map<FundId, LedgerEntry[]>();
	for (const entry of ledger) {
		const list = byFund.get(entry.fundId);
		if (list) list.push(entry);
		else byFund.set(entry.fundId, [entry]);
	}
	return byFund;
}

/** The balances of `funds` from a ledger already read. */
export function balancesOf(funds: readonly Fund[], ledger: ReadResult<LedgerEntry>): FundBalance[] {
	const byFund = entriesByFund(ledger.items);
	return funds.map((fund) => balanceOf(fund, byFund.get(fund.id) ?? [], ledger.unreadable));
}

/** A fund's balance from its own entries. */
function balanceOf(fund: Fund, entries: readonly LedgerEntry[], unreadable: number): FundBalance {
	const result: FundBalance = { fundId: fund.id, currency: fund.currency, balance: 0, entries: 0, mismatched: 0, unreadable };
	for (const entry of entries) {
		if (entry.currency !== fund.currency) {
			result.mismatched++;
			continue;
		}
		result.balance += signed(entry);
		result.entries++;
	}
	return result;
}

export interface NegativeFund {
	fund: Fund;
	balance: number;
	/**
	 * The out entries that took the fund below zero and kept it there: those
	 * after the last moment, in ledger order, when its running balance was zero
	 * or more.
	 */
	entries: LedgerEntry[];
}

/**
 * Funds whose balance is below zero. Nobody can spend money a cash box does
 * not hold, so a negative balance means a mistake or two offline devices that
 * spent the same money; either way people must look, so this is raw input for
 * the conflicts list.
 */
export function negativeFunds(doc: Y.Doc): NegativeFund[] {
	return negativeOf(listFunds(doc, { archived: 'all' }).items, readLedger(doc).items);
}

/** The funds below zero among `funds`, from a ledger already read. */
export function negativeOf(funds: readonly Fund[], ledger: readonly LedgerEntry[]): NegativeFund[] {
	const byFund = entriesByFund(ledger);
	const found: NegativeFund[] = [];
	for (const fund of funds) {
		const entries = (byFund.get(fund.id) ?? []).filter((e) => e.currency === fund.currency);
		let running = 0;
		let lastNonNegative = -1;
		entries.forEach((entry, i) => {
			running += signed(entry);
			if (running >= 0) lastNonNegative = i;
		});
		if (running >= 0) continue;
		const culprits = entries.slice(lastNonNegative + 1).filter((e) => e.direction === 'out');
		found.push({ fund, balance: running, entries: culprits });
	}
	return found;
}

export interface BudgetLineReport {
	lineId: BudgetLineId;
	label: string;
	planned: number;
	spent: number;
	/** Planned minus spent; below zero when the line is overspent. */
	remaining: number;
	removed: boolean;
}

export interface BudgetReport {
	fundId: FundId;
	currency: string;
	lines: BudgetLineReport[];
	/** Spending from this fund assigned to no line (or to a line it does not have). */
	unassigned: number;
	totals: { planned: number; spent: number; remaining: number };
	/** Unreadable budget lines of this fund, plus unreadable ledger entries anywhere. */
	unreadable: number;
}

/**
 * Planned against actual. Spending is money out of the fund (transfers to
 * another fund are moving money, not spending it), net of the reversals of
 * that spending; income, refunds included, does not reduce it. Removed lines
 * are listed when something was spent on them; their plan no longer counts.
 */
export function budgetReport(doc: Y.Doc, fundId: FundId): BudgetReport | undefined {
	const fund = getFund(doc, fundId);
	if (!fund) return undefined;
	const ledger = readLedger(doc);
	return budgetReportOf(fund, budgetLines(doc, fundId), ledger.items.filter((e) => e.fundId === fundId), ledger.unreadable);
}

/** A budget's report from its lines and its own entries, already read. */
export function budgetReportOf(
	fund: Fund,
	lines: ReadResult<BudgetLine>,
	entries: readonly LedgerEntry[],
	unreadableEntries: number
): BudgetReport {
	const fundId = fund.id;
	const spentByLine = new Map<string, number>();
	let unassigned = 0;
	const known = new Set<string>(lines.items.map((l) => l.id));
	for (const entry of entries) {
		if (entry.fundId !== fundId || entry.currency !== fund.currency || entry.category === 'transfer') continue;
		const amount = spending(entry);
		if (amount === 0) continue;
		if (entry.budgetLineId && known.has(entry.budgetLineId)) {
			spentByLine.set(entry.budgetLineId, (spentByLine.get(entry.budgetLineId) ?? 0) + amount);
		} else {
			unassigned += amount;
		}
	}
	const reported: BudgetLineReport[] = [];
	for (const line of lines.items) {
		const spent = spentByLine.get(line.id) ?? 0;
		const removed = line.removedAt !== null;
		if (removed && spent === 0) continue;
		const planned = removed ? 0 : line.planned;
		reported.push({ lineId: line.id, label: line.label, planned, spent, remaining: planned - spent, removed });
	}
	const planned = reported.reduce((sum, l) => sum + l.planned, 0);
	const spent = reported.reduce((sum, l) => sum + l.spent, 0) + unassigned;
	return {
		fundId,
		currency: fund.currency,
		lines: reported,
		unassigned,
		totals: { planned, spent, remaining: planned - spent },
		unreadable: lines.unreadable + unreadableEntries
	};
}

/** An out entry spends; the reversal of an out entry (an in pointing back) gives it back. */
function spending(entry: LedgerEntry): number {
	if (entry.reverses) return entry.direction === 'in' ? -entry.amount : 0;
	return entry.direction === 'out' ? entry.amount : 0;
}

/** Money a plan would take out of a fund. */
export interface PlannedSpending {
	fundId: FundId;
	amount: number;
	currency: string;
}

export interface Shortfall {
	fundId: FundId;
	currency: string;
	/** What the fund holds now. */
	balance: number;
	/** What the plan takes out of it, in all. */
	spending: number;
	/** What the fund would lack after: 0 when it holds enough. */
	missing: number;
}

/** What spending `spending` from a fund holding `balance` would leave missing. */
export function missingAfter(balance: number, spending: number): number {
	return Math.max(0, spending - balance);
}

/**
 * Each fund a plan spends from, with what it holds and what would be missing
 * once the plan is carried out, in the order the plan first names them. Said
 * before a decision is adopted, so that nobody spends money a fund does not
 * have without knowing it. Spending in another currency than the fund's, or
 * from a fund not on this device, is left out: the plan cannot be carried out
 * as it is anyway.
 */
export function shortfallsOf(doc: Y.Doc, plan: readonly PlannedSpending[]): Shortfall[] {
	const byFund = new Map<FundId, Shortfall>();
	for (const spend of plan) {
		let row = byFund.get(spend.fundId);
		if (!row) {
			const balance = fundBalance(doc, spend.fundId);
			if (!balance || balance.currency !== spend.currency) continue;
			row = { fundId: spend.fundId, currency: balance.currency, balance: balance.balance, spending: 0, missing: 0 };
			byFund.set(spend.fundId, row);
		}
		if (spend.currency !== row.currency) continue;
		row.spending += spend.amount;
		row.missing = missingAfter(row.balance, row.spending);
	}
	return [...byFund.values()];
}
