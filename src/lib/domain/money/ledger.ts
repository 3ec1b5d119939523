/**
 * The ledger: every movement of money in or out of a fund, who recorded it,
 * and which decision authorised it. Entries are never deleted and their
 * amounts never change; a mistake is undone by a reversing entry
 * (ledger-corrections.ts), so a fund's balance is simply the signed sum of
 * all its entries and past reports stay explainable.
 *
 * An entry's Y.Map holds its fields and, under `history`, a Y.Array of the
 * edits made to its descriptive fields, created with the entry.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { digest } from 'lib0/hash/sha256';
import { recordActivity, type ActivityInput } from '../core/activity';
import { getFund, hasBudgetLine, type Fund } from './funds';
import { newId, toBase64Url, type BudgetLineId, type DecisionId, type FundId, type Id, type LedgerEntryId, type MemberId, type NeedId } from '../core/ids';
import { MAX_AMOUNT } from '../core/money';
import { compareIds } from '../core/order';
import { derivedViews } from '../core/derived';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import {
	LOCAL_ORIGIN,
	currencyCode,
	entityId,
	isoDate,
	ledgerMap,
	minorUnits,
	readEntities,
	readEntity,
	text,
	timestamp,
	type ReadResult
} from '../core/schema';

export type TransferId = Id<'transfer'>;

export const LEDGER_CATEGORIES = ['dues', 'donation', 'purchase', 'allocation', 'transfer', 'other'] as const;
export type LedgerCategory = (typeof LEDGER_CATEGORIES)[number];
/** Categories a person may pick; 'transfer' belongs to transfers alone. */
export const ENTRY_CATEGORIES = ['dues', 'donation', 'purchase', 'allocation', 'other'] as const;
export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const positiveAmount = v.pipe(minorUnits, v.minValue(1), v.maxValue(MAX_AMOUNT));
export const noteText = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500)), '');
const outsideName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120));

/** Who the money came from or went to: a member, an outside party by name, or nobody in particular. */
export const CounterpartySchema = v.nullable(
	v.variant('kind', [
		v.object({ kind: v.literal('member'), memberId: entityId<'member'>() }),
		v.object({ kind: v.literal('outside'), name: outsideName })
	])
);
export type Counterparty = v.InferOutput<typeof CounterpartySchema>;

/** An optional link to another entity, stored as null when absent. */
const link = <Kind extends string>() => v.optional(v.nullable(entityId<Kind>()), null);

export const EntrySchema = v.object({
	id: entityId<'ledger-entry'>(),
	fundId: entityId<'fund'>(),
	date: isoDate,
	amount: positiveAmount,
	currency: currencyCode,
	direction: v.picklist(DIRECTIONS),
	category: v.picklist(LEDGER_CATEGORIES),
	counterparty: v.optional(CounterpartySchema, null),
	note: v.optional(text(500), ''),
	budgetLineId: link<'budget-line'>(),
	needId: link<'need'>(),
	decisionId: link<'decision'>(),
	transferId: link<'transfer'>(),
	/** The entry this one undoes. */
	reverses: link<'ledger-entry'>(),
	/** The delivered pledge this money came from: the same money, counted once toward its need. */
	pledgeId: link<'pledge'>(),
	allocationKey: v.optional(v.nullable(text(200)), null),
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>()
});

/** An entry as stored. */
export type StoredEntry = v.InferOutput<typeof EntrySchema>;
export type LedgerEntry = StoredEntry & {
	/** Derived, never stored: the entry that undoes this one. */
	reversedBy: LedgerEntryId | null;
};

export const EntryInput = v.object({
	fundId: entityId<'fund'>(),
	date: isoDate,
	amount: positiveAmount,
	/** Defaults to the fund's; when given, it must be the fund's. */
	currency: v.optional(currencyCode),
	direction: v.picklist(DIRECTIONS),
	category: v.picklist(ENTRY_CATEGORIES),
	counterparty: v.optional(CounterpartySchema, null),
	note: noteText,
	budgetLineId: link<'budget-line'>(),
	needId: link<'need'>(),
	decisionId: link<'decision'>()
});
export type EntryInput = v.InferInput<typeof EntryInput>;

export type LedgerRefusal = 'fund_not_found' | 'fund_archived' | 'currency_mismatch' | 'budget_line_not_found';
export type RecordResult = { ok: true; id: LedgerEntryId } | InvalidField | Refusal<LedgerRefusal>;

/** Records money in or out of a fund. A refusal is an answer for the person, not a crash. */
export function recordEntry(doc: Y.Doc, input: EntryInput, by: MemberId, now = Date.now()): RecordResult {
	const checked = checkInput(EntryInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const fund = checkTarget(doc, fields.fundId, fields.currency, fields.budgetLineId);
	if (typeof fund === 'string') return { ok: false, reason: fund };
	const id = newId<'ledger-entry'>();
	doc.transact(() => {
		writeEntry(doc, id, { ...fields, currency: fund.currency }, by, now);
		recordActivity(doc, entryActivity('ledger.created', id, fields, fund, by, now));
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

/**
 * Checks that an entry may go into this fund: it exists, is open, is in the
 * same currency, and owns the budget line. Returns the fund or the refusal.
 */
export function checkTarget(
	doc: Y.Doc,
	fundId: FundId,
	currency: string | undefined,
	budgetLineId: BudgetLineId | null | undefined,
	allowArchived = false
): Fund | LedgerRefusal {
	const fund = getFund(doc, fundId);
	if (!fund) return 'fund_not_found';
	if (fund.archived && !allowArchived) return 'fund_archived';
	if (currency !== undefined && currency !== fund.currency) return 'currency_mismatch';
	if (budgetLineId && !hasBudgetLine(doc, fundId, budgetLineId)) return 'budget_line_not_found';
	return fund;
}

/** What a write gives for a new entry: its money facts, and the links it has. */
export type NewEntry = Pick<StoredEntry, 'fundId' | 'date' | 'amount' | 'currency' | 'direction' | 'category'> &
	Partial<
		Pick<
			StoredEntry,
			| 'counterparty'
			| 'note'
			| 'budgetLineId'
			| 'needId'
			| 'decisionId'
			| 'transferId'
			| 'reverses'
			| 'pledgeId'
			| 'allocationKey'
		>
	>;

/** Writes one entry under `id`. Call it inside a transaction, with already validated fields. */
export function writeEntry(doc: Y.Doc, id: LedgerEntryId, fields: NewEntry, by: MemberId, now: number): void {
	const entry = new Y.Map<unknown>();
	entry.set('id', id);
	entry.set('fundId', fields.fundId);
	entry.set('date', fields.date);
	entry.set('amount', fields.amount);
	entry.set('currency', fields.currency);
	entry.set('direction', fields.direction);
	entry.set('category', fields.category);
	entry.set('counterparty', fields.counterparty ?? null);
	entry.set('note', fields.note ?? '');
	entry.set('budgetLineId', fields.budgetLineId ?? null);
	entry.set('needId', fields.needId ?? null);
	entry.set('decisionId', fields.decisionId ?? null);
	entry.set('transferId', fields.transferId ?? null);
	entry.set('reverses', fields.reverses ?? null);
	entry.set('allocationKey', fields.allocationKey ?? null);
	// Only the entries of a delivered pledge hold it: the others read it as null.
	if (fields.pledgeId) entry.set('pledgeId', fields.pledgeId);
	entry.set('createdAt', now);
	entry.set('createdBy', by);
	entry.set('updatedAt', now);
	entry.set('updatedBy', by);
	entry.set('history', new Y.Array<unknown>());
	ledgerMap(doc).set(id, entry);
}

/** The activity record of a new entry: its signed amount and currency, and the fund's name (the page words them). */
export function entryActivity(
	action: ActivityInput['action'],
	id: LedgerEntryId,
	entry: Pick<StoredEntry, 'amount' | 'direction'> & Partial<Pick<StoredEntry, 'decisionId'>>,
	fund: Fund,
	by: MemberId,
	at: number
): ActivityInput {
	const amount = entry.direction === 'in' ? entry.amount : -entry.amount;
	return { at, by, action, subjectKind: 'ledger', subjectId: id, decisionId: entry.decisionId ?? null, summary: fund.name, data: { amount, currency: fund.currency } };
}

/**
 * An id derived from a key, the same on every device: two replicas that write
 * the same logical entry offline (one decision executed twice, one entry
 * reversed twice, one pledge delivered on two phones) write the same map
 * key, and the merge keeps one entry.
 */
export function derivedEntryId(namespace: 'allocation' | 'reversal' | 'pledge', key: string): LedgerEntryId {
	const bytes = digest(new TextEncoder().encode(`passerelle/ledger/${namespace}/${key}`));
	return v.parse(entryId, toBase64Url(bytes.subarray(0, 16)));
}

const entryId = entityId<'ledger-entry'>();

/** Ledger order: by date, then by when each entry was recorded. */
export function ledgerOrder(a: LedgerEntry, b: LedgerEntry): number {
	return compareIds(a.date, b.date) || a.createdAt - b.createdAt || compareIds(a.id, b.id);
}

/**
 * Every readable entry in ledger order, with the derived `reversedBy`. A
 * reversal counts where its original counts: it takes the original's current
 * category, counterparty, budget line and need, so correcting the original's
 * budget line later moves both together and the line's total stays right.
 */
export function readLedger(doc: Y.Doc): ReadResult<LedgerEntry> {
	// Kept until an entry changes: balances, needs, dues, conflicts and the report all read the whole ledger.
	return derivedViews(doc).get('money:readLedger', () => {
		const ledger = orderedLedger(doc);
		for (const entry of ledger.items) Object.freeze(entry);
		Object.freeze(ledger.items);
		return Object.freeze(ledger);
	});
}

function orderedLedger(doc: Y.Doc): { items: LedgerEntry[]; unreadable: number } {
	const { items, unreadable } = readEntities(ledgerMap(doc), EntrySchema);
	const entries = items.map((e): LedgerEntry => ({ ...e, reversedBy: null }));
	const byId = new Map(entries.map((e) => [e.id, e]));
	entries.sort(ledgerOrder);
	for (const entry of entries) {
		const original = entry.reverses ? byId.get(entry.reverses) : undefined;
		if (!original || original.reverses) continue;
		original.reversedBy ??= entry.id;
		inherit(entry, original);
	}
	return { items: entries, unreadable };
}

/** One entry, read as `readLedger` would show it. */
export function getEntry(doc: Y.Doc, id: LedgerEntryId): LedgerEntry | undefined {
	const entry = readStored(doc, id);
	if (!entry) return undefined;
	const reversal = readStored(doc, derivedEntryId('reversal', id));
	const reversedBy = reversal && reversal.reverses === id ? reversal.id : null;
	const view: LedgerEntry = { ...entry, reversedBy };
	const original = entry.reverses ? readStored(doc, entry.reverses) : undefined;
	if (original && !original.reverses) inherit(view, original);
	return view;
}

function readStored(doc: Y.Doc, id: LedgerEntryId): StoredEntry | undefined {
	return readEntity(id, ledgerMap(doc).get(id), EntrySchema);
}

function inherit(reversal: LedgerEntry, original: StoredEntry): void {
	reversal.category = original.category;
	reversal.counterparty = original.counterparty;
	reversal.budgetLineId = original.budgetLineId;
	reversal.needId = original.needId;
}

export interface LedgerFilter {
	fundId?: FundId;
	category?: LedgerCategory;
	/** Inclusive ISO dates. */
	from?: string;
	to?: string;
	/** Entries with this member as counterparty. */
	memberId?: MemberId;
	decisionId?: DecisionId;
	needId?: NeedId;
	transferId?: TransferId;
}

/** Entries in ledger order (oldest first), filtered; unreadable ones are counted. */
export function listEntries(doc: Y.Doc, filter: LedgerFilter = {}): ReadResult<LedgerEntry> {
	const { items, unreadable } = readLedger(doc);
	return { items: items.filter((e) => matchesFilter(e, filter)), unreadable };
}

export function matchesFilter(e: LedgerEntry, f: LedgerFilter): boolean {
	return (
		(!f.fundId || e.fundId === f.fundId) &&
		(!f.category || e.category === f.category) &&
		(!f.from || e.date >= f.from) &&
		(!f.to || e.date <= f.to) &&
		(!f.memberId || (e.counterparty?.kind === 'member' && e.counterparty.memberId === f.memberId)) &&
		(!f.decisionId || e.decisionId === f.decisionId) &&
		(!f.needId || e.needId === f.needId) &&
		(!f.transferId || e.transferId === f.transferId)
	);
}

/** +amount for money in, −amount for money out. */
export function signed(entry: Pick<LedgerEntry, 'amount' | 'direction'>): number {
	return entry.direction === 'in' ? entry.amount : -entry.amount;
}
