/**
 * Corrections never rewrite history silently. Money facts (amount, fund,
 * direction, currency) are undone by a reversing entry and, if need be,
 * recorded again; descriptive fields (date, note, category, counterparty,
 * budget line, need) may be edited, and each edit appends what it changed,
 * from and to, by whom and when, to the entry's own history.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits } from '../core/revisions';
import { hasBudgetLine } from './funds';
import { newId, type DecisionId, type LedgerEntryId, type MemberId } from '../core/ids';
import {
	CounterpartySchema,
	ENTRY_CATEGORIES,
	LEDGER_CATEGORIES,
	derivedEntryId,
	getEntry,
	listEntries,
	writeEntry,
	type Counterparty,
	type LedgerEntry
} from './ledger';
import { localDate } from '../core/dates';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, entityId, isoDate, ledgerMap, text, timestamp, type ReadResult } from '../core/schema';

const ReverseInput = v.object({
	reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)),
	date: v.optional(isoDate),
	decisionId: v.optional(v.nullable(entityId<'decision'>()), null)
});

export interface ReverseOptions {
	/** The reversal's ledger date; today on this device by default. */
	date?: string;
	/** The decision that ordered the correction, if any. */
	decisionId?: DecisionId | null;
}

export type ReverseRefusal = Refusal<'not_found' | 'already_reversed' | 'is_reversal'>;
export type ReverseResult = { ok: true; ids: LedgerEntryId[] } | InvalidField | ReverseRefusal;

/**
 * Writes the opposite of an entry, pointing back at it. The reversal's key is
 * derived from the original's id, so two members who reverse the same entry
 * offline end up with one reversal, not a double correction. Reversing one leg
 * of a transfer reverses both, so money never vanishes between two funds.
 * A reversal is final: to redo, record a new entry.
 */
export function reverseEntry(
	doc: Y.Doc,
	id: LedgerEntryId,
	by: MemberId,
	reason: string,
	now = Date.now(),
	options: ReverseOptions = {}
): ReverseResult {
	const checked = checkInput(ReverseInput, { reason, ...options });
	if (!checked.ok) return checked;
	const fields = checked.value;
	const original = getEntry(doc, id);
	if (!original) return { ok: false, reason: 'not_found' };
	if (original.reverses) return { ok: false, reason: 'is_reversal' };
	if (isReversed(doc, original)) return { ok: false, reason: 'already_reversed' };
	const legs = original.transferId
		? listEntries(doc, { transferId: original.transferId }).items.filter((e) => !e.reverses && !isReversed(doc, e))
		: [original];
	const date = fields.date ?? localDate(new Date(now));
	const reversals = legs.map((leg) => ({ leg, id: derivedEntryId('reversal', leg.id) }));
	doc.transact(() => {
		for (const { leg, id: reversalId } of reversals) {
			writeEntry(
				doc,
				reversalId,
				{
					...leg,
					direction: leg.direction === 'in' ? 'out' : 'in',
					date,
					note: fields.reason,
					decisionId: fields.decisionId,
					reverses: leg.id,
					allocationKey: null
				},
				by,
				now
			);
		}
		recordActivity(doc, {
			at: now,
			by,
			action: 'ledger.reversed',
			subjectKind: 'ledger',
			subjectId: id,
			decisionId: fields.decisionId,
			summary: fields.reason,
			data: { amount: original.direction === 'in' ? original.amount : -original.amount, currency: original.currency }
		});
	}, LOCAL_ORIGIN);
	return { ok: true, ids: reversals.map((r) => r.id) };
}

function isReversed(doc: Y.Doc, entry: LedgerEntry): boolean {
	return entry.reversedBy !== null || ledgerMap(doc).has(derivedEntryId('reversal', entry.id));
}

export const EDITABLE_FIELDS = ['date', 'note', 'category', 'counterparty', 'budgetLineId', 'needId'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Strict: an amount, fund or direction in a patch is refused, never silently dropped. */
const EntryPatch = v.partial(
	v.strictObject({
		date: isoDate,
		note: v.pipe(v.string(), v.trim(), v.maxLength(500)),
		category: v.picklist(ENTRY_CATEGORIES),
		counterparty: CounterpartySchema,
		budgetLineId: v.nullable(entityId<'budget-line'>()),
		needId: v.nullable(entityId<'need'>())
	})
);
export type EntryPatch = v.InferInput<typeof EntryPatch>;

export type EditRefusal = Refusal<'not_found' | 'reversal_follows_original' | 'category_fixed' | 'budget_line_not_found'>;
export type EditResult = { ok: true; changed: boolean } | InvalidField | EditRefusal;

const change = <S extends v.GenericSchema>(schema: S) => v.optional(v.object({ from: schema, to: schema }));
const ChangesSchema = v.object({
	date: change(isoDate),
	note: change(text(500)),
	category: change(v.picklist(LEDGER_CATEGORIES)),
	counterparty: change(CounterpartySchema),
	budgetLineId: change(v.nullable(entityId<'budget-line'>())),
	needId: change(v.nullable(entityId<'need'>()))
});
const RevisionSchema = v.object({ at: timestamp, by: entityId<'member'>(), changes: ChangesSchema });
/** One edit of an entry: each field it changed, from and to. */
export type EntryRevision = v.InferOutput<typeof RevisionSchema>;
export type EntryChanges = EntryRevision['changes'];

/**
 * Changes descriptive fields, writing only those that differ and appending
 * one history record with each change's old and new value. Both sides of two
 * concurrent edits stay visible: the field keeps one, the history shows both.
 */
export function editEntry(doc: Y.Doc, id: LedgerEntryId, patch: EntryPatch, by: MemberId, now = Date.now()): EditResult {
	const checked = checkInput(EntryPatch, patch);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const entry = ledgerMap(doc).get(id);
	const current = getEntry(doc, id);
	if (!current || !(entry instanceof Y.Map)) return { ok: false, reason: 'not_found' };
	const changes: EntryChanges = {};
	if (fields.date !== undefined && fields.date !== current.date) changes.date = { from: current.date, to: fields.date };
	if (fields.note !== undefined && fields.note !== current.note) changes.note = { from: current.note, to: fields.note };
	if (fields.category !== undefined && fields.category !== current.category) {
		changes.category = { from: current.category, to: fields.category };
	}
	if (fields.counterparty !== undefined && !sameParty(fields.counterparty, current.counterparty)) {
		changes.counterparty = { from: current.counterparty, to: fields.counterparty };
	}
	if (fields.budgetLineId !== undefined && fields.budgetLineId !== current.budgetLineId) {
		changes.budgetLineId = { from: current.budgetLineId, to: fields.budgetLineId };
	}
	if (fields.needId !== undefined && fields.needId !== current.needId) changes.needId = { from: current.needId, to: fields.needId };
	const changed = EDITABLE_FIELDS.filter((key) => changes[key] !== undefined);
	if (changed.length === 0) return { ok: true, changed: false };
	// A reversal follows its original's attribution; only its note is its own.
	if (current.reverses && changed.some((key) => key !== 'note')) return { ok: false, reason: 'reversal_follows_original' };
	if (changes.category && (current.category === 'transfer' || current.allocationKey !== null)) {
		return { ok: false, reason: 'category_fixed' };
	}
	const line = changes.budgetLineId?.to;
	if (line && !hasBudgetLine(doc, current.fundId, line)) return { ok: false, reason: 'budget_line_not_found' };
	doc.transact(() => {
		for (const key of changed) entry.set(key, changes[key]?.to);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		const record: EntryRevision = { at: now, by, changes };
		// An entry written field by field has its history array; a packed one keeps each edit under a key of its own.
		const history = entry.get('history');
		if (history instanceof Y.Array) history.push([record]);
		else entry.set(`${HISTORY_PREFIX}${newId<'revision'>()}`, record);
		const fields = changed.map((key) => ({ field: key, from: changes[key]?.from ?? null, to: changes[key]?.to ?? null }));
		// The entry's history above is its own account; the revisions find two treasurers' edits that missed each other.
		recordEdits(doc, 'ledger', id, fields, by, now);
		recordActivity(doc, { at: now, by, action: 'ledger.edited', subjectKind: 'ledger', subjectId: id, changes: fields });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

function sameParty(a: Counterparty, b: Counterparty): boolean {
	if (a === null || b === null) return a === b;
	if (a.kind === 'member') return b.kind === 'member' && a.memberId === b.memberId;
	return b.kind === 'outside' && a.name === b.name;
}

/** The key prefix of a packed entry's edit records (ledger.ts). */
const HISTORY_PREFIX = 'h:';

/** The edits of an entry, oldest first; records that fail validation are skipped and counted. */
export function entryHistory(doc: Y.Doc, id: LedgerEntryId): ReadResult<EntryRevision> {
	const entry = ledgerMap(doc).get(id);
	if (!(entry instanceof Y.Map)) return { items: [], unreadable: 0 };
	const history = entry.get('history');
	const records: unknown[] = history instanceof Y.Array ? history.toArray() : [];
	for (const [key, value] of entry.entries()) if (key.startsWith(HISTORY_PREFIX)) records.push(value);
	const items: EntryRevision[] = [];
	let unreadable = 0;
	for (const raw of records) {
		const parsed = v.safeParse(RevisionSchema, raw);
		if (parsed.success) items.push(parsed.output);
		else unreadable++;
	}
	items.sort((a, b) => a.at - b.at);
	return { items, unreadable };
}
