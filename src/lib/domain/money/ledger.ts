/**
 * The ledger: every movement of money in or out of a fund, who recorded it,
 * and which decision authorised it. Entries are never deleted and their
 * amounts never change; a mistake is undone by a reversing entry
 * (ledger-corrections.ts), so a fund's balance is simply the signed sum of
 * all its entries and past reports stay explainable.
 *
 * How an entry is stored. A ledger holds tens of thousands of entries, and
 * Yjs keeps one item per key of a Y.Map: an entry written as twenty keys cost
 * twenty items to store, decode and hold in memory. So an entry's Y.Map holds:
 *
 *   `f`        one plain object: every field as the entry was recorded, under
 *              the short keys of FACT_KEYS, nulls and empty texts left out;
 *              the id is the key the entry is stored under.
 *   `h:<id>`   one plain record per edit of its descriptive fields, each under
 *              a key of its own, so that edits made offline on two phones all
 *              stay (ledger-corrections.ts); none until the first edit.
 *   `date`, `note`, `category`, `counterparty`, `budgetLineId`, `needId`:
 *              written by an edit only (ledger-corrections.ts), each its own
 *              key, so two people editing different fields offline both keep
 *              theirs; an edited field reads over its recorded value.
 *   `updatedAt`, `updatedBy`: written by an edit only; until then the entry
 *              reads as updated when it was created.
 *
 * Entries recorded before this shape hold every field as its own key, no `f`,
 * and a Y.Array `history` of their edits: they are read as they are and never
 * rewritten (an edit made offline into a replaced Y.Map would be lost); an
 * edit of one writes its field and appends to its `history` as it always did.
 * Both shapes read to the same entry (`storedFields`).
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

const EntryFields = v.object({
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
	/** Shared with the other collective's entry for the same money (a pledge between collectives). */
	// Absent, not null, when unset: entries read as they always did.
	reference: v.optional(v.nullable(text(200))),
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>()
});

/** An entry's stored Y.Map, read as plain data, checked whichever shape it was written in. */
export const EntrySchema = v.pipe(v.unknown(), v.transform(storedFields), EntryFields);

/** An entry as stored. */
export type StoredEntry = v.InferOutput<typeof EntryFields>;
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
			| 'reference'
		>
	>;

/** The key of an entry's recorded fields, and the short key of each field inside them. */
const FACTS_KEY = 'f';
const FACT_KEYS = {
	fundId: 'u',
	date: 'd',
	amount: 'a',
	currency: 'c',
	direction: 'o',
	category: 'k',
	counterparty: 'p',
	note: 'n',
	budgetLineId: 'l',
	needId: 'e',
	decisionId: 'x',
	transferId: 't',
	reverses: 'r',
	pledgeId: 'g',
	allocationKey: 'y',
	reference: 'q',
	createdAt: 'at',
	createdBy: 'by'
} as const satisfies Partial<Record<keyof StoredEntry, string>>;
type FactField = keyof typeof FACT_KEYS;
const FACT_FIELDS = Object.keys(FACT_KEYS) as FactField[];

/** Writes one entry under `id`. Call it inside a transaction, with already validated fields. */
export function writeEntry(doc: Y.Doc, id: LedgerEntryId, fields: NewEntry, by: MemberId, now: number): void {
	const recorded: Partial<Pick<StoredEntry, FactField>> = { ...fields, createdAt: now, createdBy: by };
	const facts: Record<string, unknown> = {};
	for (const field of FACT_FIELDS) {
		const value = recorded[field];
		// What is left out reads as its default: null, or an empty note.
		if (value !== null && value !== undefined && value !== '') facts[FACT_KEYS[field]] = value;
	}
	const entry = new Y.Map<unknown>();
	entry.set(FACTS_KEY, facts);
	ledgerMap(doc).set(id, entry);
}

/**
 * An entry's stored map, as plain data (its id given by `readEntity`),
 * turned into its fields: an entry written before `f` existed holds them
 * already, one key each, and is given back as it is; otherwise the recorded
 * fields are spread out of `f` under their names, and any field an edit has
 * written since reads over them. Anything else is handed on for the schema
 * to refuse.
 */
function storedFields(stored: unknown): unknown {
	if (typeof stored !== 'object' || stored === null || !(FACTS_KEY in stored)) return stored;
	const { [FACTS_KEY]: facts, ...rest } = stored as Record<string, unknown>;
	if (typeof facts !== 'object' || facts === null || Array.isArray(facts)) return undefined;
	const short = facts as Record<string, unknown>;
	const fields: Record<string, unknown> = {};
	for (const field of FACT_FIELDS) {
		const value = short[FACT_KEYS[field]];
		if (value !== undefined) fields[field] = value;
	}
	// Edited fields and the id; the edit records (`h:…`) are not fields, and the schema drops them.
	Object.assign(fields, rest);
	fields.updatedAt ??= fields.createdAt;
	fields.updatedBy ??= fields.createdBy;
	return fields;
}

/**
 * One field of an entry as its stored map holds it now, either shape, null
 * when unset; undefined when `stored` is not an entry. For what compares a
 * field's stored value (edit conflicts); pages read entries through `getEntry`.
 */
export function storedEntryField(stored: unknown, field: string): unknown {
	if (!(stored instanceof Y.Map)) return undefined;
	if (stored.has(field)) return stored.get(field) ?? null;
	const facts: unknown = stored.get(FACTS_KEY);
	if (typeof facts !== 'object' || facts === null) return null;
	if (field === 'updatedAt' || field === 'updatedBy') return storedEntryField(stored, field === 'updatedAt' ? 'createdAt' : 'createdBy');
	const key = (FACT_KEYS as Record<string, string>)[field];
	const value = key === undefined ? undefined : (facts as Record<string, unknown>)[key];
	return value ?? (field === 'note' ? '' : null);
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
export function derivedEntryId(namespace: 'allocation' | 'reversal' | 'pledge' | 'federation', key: string): LedgerEntryId {
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
