/**
 * What the money pages show, as pure functions of the document: the funds
 * with their balances, the ledger with its totals, one entry with its
 * history, one fund, and where each member stands on dues. Pages only wire
 * these to markup, so every figure on screen is computed here, once, and
 * tested in Node.
 *
 * Needs and decisions stand above money (they read the ledger), so money
 * never imports them: what a page shows of them comes in through `Linked`,
 * read by the caller.
 */
import { claimsOf } from '../space/without-device';
import type * as Y from 'yjs';
import { totalsByCurrency } from '../core/money';
import { compareIds } from '../core/order';
import type { FundId, LedgerEntryId } from '../core/ids';
import { memberName } from '../space/space';
import { balancesOf, budgetReportOf, entriesByFund, negativeOf, type BudgetReport, type NegativeFund } from './balances';
import { duesFundDefaults } from './defaults';
import { addFlow, sortedFlows, type MoneyFlows } from './flows';
import { duesStatus, listDues, type DuesSetting, type DuesStatus } from './dues';
import { budgetLines, listFunds, type BudgetLine, type Fund } from './funds';
import { EDITABLE_FIELDS, entryHistory, type EditableField, type EntryRevision } from './ledger-corrections';
import { matchesFilter, readLedger, type LedgerCategory, type LedgerEntry, type LedgerFilter } from './ledger';
import { Names, type EntryRow, type LinkableDecision, type LinkableNeed, type Linked, type PartyView } from './entry-names';

export type { EntryRow, LinkableDecision, LinkableNeed, Linked, PartyView } from './entry-names';

/** A money need still open, in this currency or any: what an entry may be tied to. */
function takesMoney(need: LinkableNeed, currency?: string): boolean {
	return need.kind === 'money' && need.status !== 'closed' && (currency === undefined || need.unit === currency);
}

// ---------------------------------------------------------------- overview

export interface OverviewFund {
	fund: Fund;
	balance: number;
	entries: number;
	/** A budget's planned and spent, when it plans anything; `spentShare` is capped at 1 for the bar. */
	budget: { planned: number; spent: number; remaining: number; spentShare: number } | null;
}

export interface MoneyOverview {
	/** The funds shown, by name: open ones, and archived ones when asked for. */
	funds: OverviewFund[];
	archivedCount: number;
	/** What the open funds hold, per currency, in code order. */
	totals: { currency: string; amount: number }[];
	/** Funds below zero, with the entries that took them there. */
	negative: NegativeFund[];
	unreadable: number;
}

export function moneyOverviewView(doc: Y.Doc, options: { showArchived: boolean }): MoneyOverview {
	const funds = listFunds(doc, { archived: 'all' });
	const ledger = readLedger(doc);
	const byFund = entriesByFund(ledger.items);
	const balances = balancesOf(funds.items, ledger);
	const rows = funds.items.map((fund, i): OverviewFund => {
		const balance = balances[i];
		const report =
			fund.kind === 'budget' ? budgetReportOf(fund, budgetLines(doc, fund.id), byFund.get(fund.id) ?? [], ledger.unreadable) : null;
		const totals = report && report.totals.planned > 0 ? report.totals : null;
		return {
			fund,
			balance: balance?.balance ?? 0,
			entries: balance?.entries ?? 0,
			budget: totals ? { ...totals, spentShare: Math.min(1, totals.spent / totals.planned) } : null
		};
	});
	// Open funds only: an archived fund's money is history, not what the collective holds.
	const open = rows.filter((r) => !r.fund.archived);
	const totals = [...totalsByCurrency(open.map((r) => ({ amount: r.balance, currency: r.fund.currency })))]
		.map(([currency, amount]) => ({ currency, amount }))
		.sort((a, b) => compareIds(a.currency, b.currency));
	return {
		funds: options.showArchived ? rows : open,
		archivedCount: rows.length - open.length,
		totals,
		negative: negativeOf(funds.items, ledger.items),
		unreadable: funds.unreadable + ledger.unreadable
	};
}

// ---------------------------------------------------------------- ledger

/** A currency's totals on the ledger page: received, spent and moved between funds, as everywhere (flows.ts). */
export type CurrencyTotals = MoneyFlows;

/** What the entry and transfer forms and the filters offer. */
export interface LedgerChoices {
	/** Every fund, archived ones included, for the filter. */
	funds: Fund[];
	/** Funds that take entries. */
	openFunds: Fund[];
	/** The lines still in use of a fund. */
	linesOf(fundId: FundId): BudgetLine[];
	/** Every need, for the filter. */
	needs: readonly LinkableNeed[];
	/** Money needs still open, for the entry form. */
	moneyNeeds: LinkableNeed[];
	decisions: readonly LinkableDecision[];
}

export interface LedgerView {
	/** The entries the filter keeps, newest first: what was just recorded is what people look for. */
	entries: LedgerEntry[];
	/** Totals over every entry kept, not only those on screen. */
	totals: CurrencyTotals[];
	unreadable: number;
	/** Names for the rows on screen, computed as they are shown. */
	row(entry: LedgerEntry): EntryRow;
	choices: LedgerChoices;
}

/**
 * The ledger through a filter. Filtering and totals are one pass over the
 * entries; a row's names are looked up only for the rows a page shows.
 */
export function ledgerView(doc: Y.Doc, filter: LedgerFilter, linked: Linked): LedgerView {
	const ledger = readLedger(doc);
	const entries: LedgerEntry[] = [];
	const totals = new Map<string, CurrencyTotals>();
	// A member's money includes what was recorded under the entry they claimed, before they had a phone.
	const alsoFor = filter.memberId ? [...claimsOf(doc)].filter(([, claimant]) => claimant === filter.memberId).map(([entry]) => entry) : [];
	const matches = (entry: LedgerEntry) => matchesFilter(entry, filter) || alsoFor.some((memberId) => matchesFilter(entry, { ...filter, memberId }));
	for (let i = ledger.items.length - 1; i >= 0; i--) {
		const entry = ledger.items[i];
		if (!entry || !matches(entry)) continue;
		entries.push(entry);
		addFlow(totals, entry);
	}
	const funds = listFunds(doc, { archived: 'all' }).items;
	const names = new Names(doc, ledger.items, linked, funds);
	const needs = linked.needs();
	return {
		entries,
		totals: sortedFlows(totals),
		unreadable: ledger.unreadable,
		row: (entry) => names.row(entry),
		choices: {
			funds,
			openFunds: funds.filter((f) => !f.archived),
			linesOf: (fundId) => budgetLines(doc, fundId).items.filter((l) => l.removedAt === null),
			needs,
			moneyNeeds: needs.filter((n) => takesMoney(n)),
			decisions: linked.decisions()
		}
	};
}

// ---------------------------------------------------------------- one entry

/** A value of an edited field, as the history shows it. */
export type ChangedValue =
	| { field: 'date'; value: string | null }
	| { field: 'note'; value: string | null }
	| { field: 'category'; value: LedgerCategory | null }
	| { field: 'counterparty'; value: PartyView }
	| { field: 'budgetLineId'; value: string | null }
	| { field: 'needId'; value: string | null };

export interface RevisionView {
	at: number;
	byName: string | null;
	changes: { field: EditableField; from: ChangedValue; to: ChangedValue }[];
}

export interface EntryPage {
	row: EntryRow;
	fund: Fund | null;
	/** Whether it may still be reversed: not a reversal, not reversed. */
	reversible: boolean;
	/** What the edit form offers: the fund's lines in use and the entry's own, money needs in its currency and its own. */
	editLines: BudgetLine[];
	editNeeds: LinkableNeed[];
	history: RevisionView[];
	unreadableHistory: number;
}

export function entryPageView(doc: Y.Doc, entryId: LedgerEntryId, linked: Linked): EntryPage | null {
	const ledger = readLedger(doc).items;
	const entry = ledger.find((e) => e.id === entryId);
	if (!entry) return null;
	const names = new Names(doc, ledger, linked);
	const history = entryHistory(doc, entryId);
	return {
		row: names.row(entry),
		fund: names.fund(entry.fundId) ?? null,
		reversible: entry.reverses === null && entry.reversedBy === null,
		editLines: budgetLines(doc, entry.fundId).items.filter((l) => l.removedAt === null || l.id === entry.budgetLineId),
		editNeeds: linked.needs().filter((n) => n.id === entry.needId || takesMoney(n, entry.currency)),
		history: history.items.map((revision) => revisionView(revision, names)),
		unreadableHistory: history.unreadable
	};
}

function revisionView(revision: EntryRevision, names: Names): RevisionView {
	const changes: RevisionView['changes'] = [];
	const c = revision.changes;
	for (const field of EDITABLE_FIELDS) {
		const shown = (side: 'from' | 'to'): ChangedValue | null => {
			switch (field) {
				case 'date':
					return c.date ? { field, value: c.date[side] || null } : null;
				case 'note':
					return c.note ? { field, value: c.note[side] || null } : null;
				case 'category':
					return c.category ? { field, value: c.category[side] } : null;
				case 'counterparty':
					return c.counterparty ? { field, value: names.party(c.counterparty[side]) } : null;
				case 'budgetLineId':
					return c.budgetLineId ? { field, value: names.line(c.budgetLineId[side]) } : null;
				case 'needId': {
					const id = c.needId?.[side];
					return c.needId ? { field, value: id ? (names.need(id) ?? id) : null } : null;
				}
			}
		};
		const from = shown('from');
		const to = shown('to');
		if (from && to) changes.push({ field, from, to });
	}
	return { at: revision.at, byName: names.member(revision.by), changes };
}

// ---------------------------------------------------------------- one fund

export interface FundPage {
	fund: Fund;
	balance: number;
	/** Entries counted in the balance. */
	entryCount: number;
	budget: BudgetReport | null;
	/** The latest entries, newest first. */
	recent: EntryRow[];
	/** Every entry of the fund, for the link to the filtered ledger. */
	totalEntries: number;
	creatorName: string | null;
}

export function fundPageView(doc: Y.Doc, fundId: FundId, linked: Linked, recentCount = 10): FundPage | null {
	const funds = listFunds(doc, { archived: 'all' }).items;
	const fund = funds.find((f) => f.id === fundId);
	if (!fund) return null;
	const ledger = readLedger(doc);
	const own = ledger.items.filter((e) => e.fundId === fundId);
	const [balance] = balancesOf([fund], { items: own, unreadable: ledger.unreadable });
	const names = new Names(doc, ledger.items, linked, funds);
	return {
		fund,
		balance: balance?.balance ?? 0,
		entryCount: balance?.entries ?? 0,
		budget: fund.kind === 'budget' ? budgetReportOf(fund, budgetLines(doc, fundId), own, ledger.unreadable) : null,
		recent: own.slice(-recentCount).reverse().map((e) => names.row(e)),
		totalEntries: own.length,
		creatorName: memberName(doc, fund.createdBy)
	};
}

// ---------------------------------------------------------------- dues

export interface DuesRow {
	status: DuesStatus;
	/** The member's own setting, when they have one. */
	own: DuesSetting | null;
}

export interface DuesView {
	/** The default, for everyone without their own setting. */
	fallback: DuesSetting | null;
	members: DuesRow[];
	/** Statuses alone, for the payment form. */
	statuses: DuesStatus[];
	lateCount: number;
	/** Open funds, to pay into. */
	funds: Fund[];
	/** The fund a payment in a currency goes into unless another is picked (defaults.ts). */
	fundDefaults: Record<string, FundId>;
	unreadable: number;
}

export function duesView(doc: Y.Doc, today: string): DuesView {
	const settings = listDues(doc).items;
	const status = duesStatus(doc, today);
	const own = new Map<string, DuesSetting>();
	for (const s of settings) if (s.target !== 'default') own.set(s.target, s);
	return {
		fallback: settings.find((s) => s.target === 'default') ?? null,
		members: status.items.map((s) => ({ status: s, own: own.get(s.memberId) ?? null })),
		statuses: status.items,
		lateCount: status.items.filter((s) => s.state === 'late').length,
		funds: listFunds(doc).items,
		fundDefaults: Object.fromEntries(duesFundDefaults(doc)),
		unreadable: status.unreadable
	};
}
