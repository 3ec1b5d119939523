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
import { hasBudgetLine } from './funds';
import type { DecisionId, LedgerEntryId, MemberId } from '../core/ids';
import {
	CounterpartySchema,
	ENTRY_CATEGORIES,
	LEDGER_CATEGORIES,
	derivedEntryId,
	getEntry,
	listEntries,
	writeEntry,
	type LedgerEntry
} from './ledger';
import { toDecimalString } from '../core/money';
import { localDate } from '../core/dates';
import { LOCAL_ORIGIN, idString, isoDate, ledgerMap, text, timestamp, validateInput, type ReadResult } from '../core/schema';

const ReverseInput = v.object({
	reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)),
	date: v.optional(isoDate),
	decisionId: v.optional(v.nullable(idString), null)
});

export interface ReverseOptions {
	/** The reversal's ledger date; today on this device by default. */
	date?: string;
	/** The decision that ordered the correction, if any. */
	decisionId?: DecisionId | null;
}

export type ReverseResult =
	| { ok: true; ids: LedgerEntryId[] }
	| { ok: false; reason: 'not_found' | 'already_reversed' | 'is_reversal' };

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
	const fields = validateInput(ReverseInput, { reason, ...options });
	const original = getEntry(doc, id);
	if (!original) return { ok: false, reason: 'not_found' };
	if (original.reverses) return { ok: false, reason: 'is_reversal' };
	if (isReversed(doc, original)) return { ok: false, reason: 'already_reversed' };
	const legs = original.transferId
		? listEntries(doc, { transferId: original.transferId }).items.filter((e) => !e.reverses && !isReversed(doc, e))
		: [original];
	const date = fields.date ?? localDate(new Date(now));
	const ids = legs.map((leg) => derivedEntryId('reversal', leg.id));
	doc.transact(() => {
		legs.forEach((leg, i) => {
			writeEntry(
				doc,
				ids[i] as LedgerEntryId,
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
		});
		recordActivity(doc, {
			at: now,
			by,
			action: 'ledger.reversed',
			subjectKind: 'ledger',
			subjectId: id,
			decisionId: fields.decisionId as DecisionId | null,
			summary: `${toDecimalString(original.amount, original.currency)} ${original.currency} · ${fields.reason}`
		});
	}, LOCAL_ORIGIN);
	return { ok: true, ids };
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
		budgetLineId: v.nullable(idString),
		needId: v.nullable(idString)
	})
);
export type EntryPatch = Partial<Pick<LedgerEntry, EditableField>>;

export type EditResult =
	| { ok: true; changed: boolean }
	| { ok: false; reason: 'not_found' | 'reversal_follows_original' | 'category_fixed' | 'budget_line_not_found' };

/**
 * Changes descriptive fields, writing only those that differ and appending
 * one history record with each change's old and new value. Both sides of two
 * concurrent edits stay visible: the field keeps one, the history shows both.
 */
export function editEntry(doc: Y.Doc, id: LedgerEntryId, patch: EntryPatch, by: MemberId, now = Date.now()): EditResult {
	const fields = validateInput(EntryPatch, patch);
	const entry = ledgerMap(doc).get(id);
	const current = getEntry(doc, id);
	if (!current || !(entry instanceof Y.Map)) return { ok: false, reason: 'not_found' };
	const changes: Record<string, { from: unknown; to: unknown }> = {};
	for (const key of EDITABLE_FIELDS) {
		const to = fields[key];
		if (to === undefined || same(current[key], to)) continue;
		// A reversal follows its original's attribution; only its note is its own.
		if (current.reverses && key !== 'note') return { ok: false, reason: 'reversal_follows_original' };
		if (key === 'category' && (current.category === 'transfer' || current.allocationKey !== null)) {
			return { ok: false, reason: 'category_fixed' };
		}
		if (key === 'budgetLineId' && to !== null && !hasBudgetLine(doc, current.fundId, to as string)) {
			return { ok: false, reason: 'budget_line_not_found' };
		}
		changes[key] = { from: current[key], to };
	}
	const changed = Object.keys(changes);
	if (changed.length === 0) return { ok: true, changed: false };
	doc.transact(() => {
		for (const key of changed) entry.set(key, changes[key]?.to);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		let history = entry.get('history');
		if (!(history instanceof Y.Array)) {
			history = new Y.Array<unknown>();
			entry.set('history', history);
		}
		(history as Y.Array<unknown>).push([{ at: now, by, changes }]);
		recordActivity(doc, { at: now, by, action: 'ledger.edited', subjectKind: 'ledger', subjectId: id, summary: changed.join(', ') });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

function same(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
	const x = a as Record<string, unknown>;
	const y = b as Record<string, unknown>;
	const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
	return [...keys].every((k) => x[k] === y[k]);
}

const change = <S extends v.GenericSchema>(schema: S) => v.optional(v.object({ from: schema, to: schema }));
const RevisionSchema = v.object({
	at: timestamp,
	by: idString,
	changes: v.object({
		date: change(isoDate),
		note: change(text(500)),
		category: change(v.picklist(LEDGER_CATEGORIES)),
		counterparty: change(CounterpartySchema),
		budgetLineId: change(v.nullable(idString)),
		needId: change(v.nullable(idString))
	})
});
export interface EntryRevision {
	at: number;
	by: MemberId;
	changes: { [K in EditableField]?: { from: LedgerEntry[K]; to: LedgerEntry[K] } };
}

/** The edits of an entry, oldest first; records that fail validation are skipped and counted. */
export function entryHistory(doc: Y.Doc, id: LedgerEntryId): ReadResult<EntryRevision> {
	const entry = ledgerMap(doc).get(id);
	const history = entry instanceof Y.Map ? entry.get('history') : undefined;
	if (!(history instanceof Y.Array)) return { items: [], unreadable: 0 };
	const items: EntryRevision[] = [];
	let unreadable = 0;
	for (const raw of history.toArray()) {
		const parsed = v.safeParse(RevisionSchema, raw);
		if (parsed.success) items.push(parsed.output as EntryRevision);
		else unreadable++;
	}
	items.sort((a, b) => a.at - b.at);
	return { items, unreadable };
}
