/**
 * Funds: where the collective's money sits (a cash box, a bank account) or is
 * earmarked (a budget, with optional line items). A fund holds one currency
 * for life, so its entries always add up. Its balance is never stored: it is
 * derived from the ledger (balances.ts).
 *
 * A fund's Y.Map holds its fields and, under `lines`, a Y.Map of budget lines
 * created with the fund, so that lines added offline on two devices both stay.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity, type ActivityInput } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import { newId, type BudgetLineId, type FundId, type MemberId } from '../core/ids';
import { MAX_AMOUNT } from '../core/money';
import { compareIds, compareNames } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import {
	LOCAL_ORIGIN,
	currencyCode,
	entityId,
	fundsMap,
	minorUnits,
	readEntities,
	readEntity,
	text,
	timestamp,
	type ReadResult
} from '../core/schema';

export const FUND_KINDS = ['cash', 'bank', 'budget'] as const;
export type FundKind = (typeof FUND_KINDS)[number];

const FundSchema = v.object({
	id: entityId<'fund'>(),
	name: v.pipe(text(120), v.minLength(1)),
	kind: v.picklist(FUND_KINDS),
	currency: currencyCode,
	description: v.optional(text(2000), ''),
	archived: v.optional(v.boolean(), false),
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>()
});
export type Fund = v.InferOutput<typeof FundSchema>;

const plannedAmount = v.pipe(minorUnits, v.minValue(0), v.maxValue(MAX_AMOUNT));

const BudgetLineSchema = v.object({
	id: entityId<'budget-line'>(),
	label: v.pipe(text(120), v.minLength(1)),
	planned: plannedAmount,
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>(),
	removedAt: v.optional(v.nullable(timestamp), null),
	removedBy: v.optional(v.nullable(entityId<'member'>()), null)
});
export type BudgetLine = v.InferOutput<typeof BudgetLineSchema>;

const name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120));
const description = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)), '');

const LineInput = v.object({
	label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	planned: plannedAmount
});
export type BudgetLineInput = v.InferInput<typeof LineInput>;
const LinePatch = v.partial(LineInput);
export type BudgetLinePatch = v.InferInput<typeof LinePatch>;

const FundInput = v.object({
	name,
	kind: v.picklist(FUND_KINDS),
	currency: v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z]{3}$/)),
	description,
	/** A budget's first lines, written with it so that they arrive together on other devices. */
	lines: v.optional(v.array(LineInput), [])
});
export type FundInput = v.InferInput<typeof FundInput>;

/** Kind and currency are fixed at creation: changing them would make past entries lie. */
const FundPatch = v.partial(v.strictObject({ name, description: v.pipe(v.string(), v.trim(), v.maxLength(2000)) }));
export type FundPatch = v.InferInput<typeof FundPatch>;

/** Why a fund or its lines could not be changed. A line map that cannot be read was written by a faulty client. */
export type FundRefusal = Refusal<'fund_not_found' | 'not_a_budget' | 'lines_unreadable' | 'budget_line_not_found'>;

export type CreateFundResult = { ok: true; id: FundId; lines: BudgetLineId[] } | InvalidField | Refusal<'not_a_budget'>;
/** `changed` is false when the fund already read so: nothing was written. */
export type FundChangeResult = { ok: true; changed: boolean } | InvalidField | FundRefusal;
export type AddLineResult = { ok: true; id: BudgetLineId } | InvalidField | FundRefusal;

export function createFund(doc: Y.Doc, input: FundInput, by: MemberId, now = Date.now()): CreateFundResult {
	const checked = checkInput(FundInput, input);
	if (!checked.ok) return checked;
	const { lines, ...fields } = checked.value;
	if (lines.length > 0 && fields.kind !== 'budget') return { ok: false, reason: 'not_a_budget' };
	const id = newId<'fund'>();
	const lineIds = lines.map(() => newId<'budget-line'>());
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		entry.set('id', id);
		for (const [key, value] of Object.entries(fields)) entry.set(key, value);
		entry.set('archived', false);
		entry.set('createdAt', now);
		entry.set('createdBy', by);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		const lineMap = new Y.Map<unknown>();
		entry.set('lines', lineMap);
		fundsMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'fund.created', subjectKind: 'fund', subjectId: id, summary: fields.name });
		// Lines are listed by creation time: a millisecond apart, they keep the order they were typed in.
		lines.forEach((line, i) => {
			const lineId = lineIds[i];
			if (lineId) writeLine(doc, lineMap, id, lineId, line, fields.currency, by, now + i);
		});
	}, LOCAL_ORIGIN);
	return { ok: true, id, lines: lineIds };
}

/** Writes only the fields that changed, so a concurrent edit of the other one survives. */
export function editFund(doc: Y.Doc, id: FundId, patch: FundPatch, by: MemberId, now = Date.now()): FundChangeResult {
	const checked = checkInput(FundPatch, patch);
	if (!checked.ok) return checked;
	const entry = fundEntry(doc, id);
	if (!entry) return { ok: false, reason: 'fund_not_found' };
	const changes = changesOf(entry, checked.value);
	let changed = false;
	doc.transact(() => {
		changed = setChanged(entry, checked.value, by, now);
		if (changed) {
			recordEdits(doc, 'fund', id, changes, by, now);
			recordActivity(doc, { at: now, by, action: 'fund.edited', subjectKind: 'fund', subjectId: id, summary: labelOf(entry, 'name'), changes });
		}
	}, LOCAL_ORIGIN);
	return { ok: true, changed };
}

/** The fields `fields` would change on `entry`, from and to. */
function changesOf(entry: Y.Map<unknown>, fields: Record<string, unknown>): FieldChange[] {
	const changes: FieldChange[] = [];
	for (const [key, value] of Object.entries(fields)) {
		if (value !== undefined && entry.get(key) !== value) changes.push({ field: key, from: entry.get(key) ?? null, to: value });
	}
	return changes;
}

/** A budget line's field, noted on its fund: `line:<line id>:<field>`. */
export function budgetLineField(lineId: BudgetLineId, field: string): string {
	return `line:${lineId}:${field}`;
}

/** An archived fund takes no new entries but keeps its history, and can come back. */
export function setFundArchived(doc: Y.Doc, id: FundId, archived: boolean, by: MemberId, now = Date.now()): FundChangeResult {
	const entry = fundEntry(doc, id);
	if (!entry) return { ok: false, reason: 'fund_not_found' };
	let changed = false;
	doc.transact(() => {
		changed = setChanged(entry, { archived }, by, now);
		if (changed) {
			const action = archived ? 'fund.archived' : 'fund.unarchived';
			recordActivity(doc, { at: now, by, action, subjectKind: 'fund', subjectId: id, summary: labelOf(entry, 'name') });
		}
	}, LOCAL_ORIGIN);
	return { ok: true, changed };
}

export function getFund(doc: Y.Doc, id: FundId): Fund | undefined {
	return readEntity(id, fundsMap(doc).get(id), FundSchema);
}

export interface FundFilter {
	kind?: FundKind;
	/** Archived funds are hidden unless asked for; `'all'` shows both. */
	archived?: boolean | 'all';
}

/** Funds by name, the same order on every device. */
export function fundOrder(a: Fund, b: Fund): number {
	return compareNames(a.name, b.name) || a.createdAt - b.createdAt || compareIds(a.id, b.id);
}

export function listFunds(doc: Y.Doc, filter: FundFilter = {}): ReadResult<Fund> {
	const { items, unreadable } = readEntities(fundsMap(doc), FundSchema);
	const archived = filter.archived ?? false;
	const kept = items.filter(
		(f) => (archived === 'all' || f.archived === archived) && (!filter.kind || f.kind === filter.kind)
	);
	kept.sort(fundOrder);
	return { items: kept, unreadable };
}

export function addBudgetLine(
	doc: Y.Doc,
	fundId: FundId,
	input: BudgetLineInput,
	by: MemberId,
	now = Date.now()
): AddLineResult {
	const checked = checkInput(LineInput, input);
	if (!checked.ok) return checked;
	const budget = linesOf(doc, fundId);
	if (!budget.ok) return budget;
	const id = newId<'budget-line'>();
	doc.transact(() => writeLine(doc, budget.lines, fundId, id, checked.value, budget.fund.currency, by, now), LOCAL_ORIGIN);
	return { ok: true, id };
}

function writeLine(
	doc: Y.Doc,
	lines: Y.Map<unknown>,
	fundId: FundId,
	id: BudgetLineId,
	fields: { label: string; planned: number },
	currency: string,
	by: MemberId,
	now: number
): void {
	const line = new Y.Map<unknown>();
	line.set('id', id);
	line.set('label', fields.label);
	line.set('planned', fields.planned);
	line.set('createdAt', now);
	line.set('createdBy', by);
	line.set('updatedAt', now);
	line.set('updatedBy', by);
	line.set('removedAt', null);
	line.set('removedBy', null);
	lines.set(id, line);
	recordActivity(doc, { at: now, by, action: 'fund.line_added', subjectKind: 'fund', subjectId: fundId, ...lineActivity(fields, currency) });
}

export function editBudgetLine(
	doc: Y.Doc,
	fundId: FundId,
	lineId: BudgetLineId,
	patch: BudgetLinePatch,
	by: MemberId,
	now = Date.now()
): FundChangeResult {
	const checked = checkInput(LinePatch, patch);
	if (!checked.ok) return checked;
	const found = lineEntry(doc, fundId, lineId);
	if (!found.ok) return found;
	const { line, fund } = found;
	const changes = changesOf(line, checked.value).map((change) => ({ ...change, field: budgetLineField(lineId, change.field) }));
	let changed = false;
	doc.transact(() => {
		changed = setChanged(line, checked.value, by, now);
		if (changed) {
			recordEdits(doc, 'fund', fundId, changes, by, now);
			recordActivity(doc, { at: now, by, action: 'fund.line_edited', subjectKind: 'fund', subjectId: fundId, summary: labelOf(line, 'label'), changes });
		}
	}, LOCAL_ORIGIN);
	return { ok: true, changed };
}

/**
 * Removal is a mark: entries already assigned to the line keep pointing at it,
 * and the budget report still shows what was spent on it.
 */
export function removeBudgetLine(doc: Y.Doc, fundId: FundId, lineId: BudgetLineId, by: MemberId, now = Date.now()): FundChangeResult {
	const found = lineEntry(doc, fundId, lineId);
	if (!found.ok) return found;
	const { line } = found;
	if (line.get('removedAt') !== null && line.get('removedAt') !== undefined) return { ok: true, changed: false };
	doc.transact(() => {
		line.set('removedAt', now);
		line.set('removedBy', by);
		setChanged(line, {}, by, now, true);
		recordActivity(doc, { at: now, by, action: 'fund.line_removed', subjectKind: 'fund', subjectId: fundId, summary: labelOf(line, 'label') });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

/** The fund's lines in creation order; removed ones are included and marked. */
export function budgetLines(doc: Y.Doc, fundId: FundId): ReadResult<BudgetLine> {
	const fund = fundsMap(doc).get(fundId);
	const lines = fund instanceof Y.Map ? fund.get('lines') : undefined;
	if (!(lines instanceof Y.Map)) return { items: [], unreadable: 0 };
	const { items, unreadable } = readEntities(lines, BudgetLineSchema);
	return { items: items.sort((a, b) => a.createdAt - b.createdAt || compareIds(a.id, b.id)), unreadable };
}

/** Whether the fund has a line with this id (removed or not). */
export function hasBudgetLine(doc: Y.Doc, fundId: FundId, lineId: BudgetLineId): boolean {
	const fund = fundsMap(doc).get(fundId);
	const lines = fund instanceof Y.Map ? fund.get('lines') : undefined;
	return lines instanceof Y.Map && readEntity(lineId, lines.get(lineId), BudgetLineSchema) !== undefined;
}

function fundEntry(doc: Y.Doc, id: FundId): Y.Map<unknown> | undefined {
	const entry = fundsMap(doc).get(id);
	return entry instanceof Y.Map && getFund(doc, id) ? entry : undefined;
}

type Budget = { ok: true; fund: Fund; lines: Y.Map<unknown> } | FundRefusal;

function linesOf(doc: Y.Doc, fundId: FundId): Budget {
	const fund = getFund(doc, fundId);
	const entry = fundsMap(doc).get(fundId);
	if (!fund || !(entry instanceof Y.Map)) return { ok: false, reason: 'fund_not_found' };
	if (fund.kind !== 'budget') return { ok: false, reason: 'not_a_budget' };
	const lines = entry.get('lines');
	if (!(lines instanceof Y.Map)) return { ok: false, reason: 'lines_unreadable' };
	return { ok: true, fund, lines };
}

function lineEntry(
	doc: Y.Doc,
	fundId: FundId,
	lineId: BudgetLineId
): { ok: true; fund: Fund; line: Y.Map<unknown> } | FundRefusal {
	const budget = linesOf(doc, fundId);
	if (!budget.ok) return budget;
	const line = budget.lines.get(lineId);
	if (!(line instanceof Y.Map)) return { ok: false, reason: 'budget_line_not_found' };
	return { ok: true, fund: budget.fund, line };
}

/** Sets the fields whose value differs; stamps the editor when anything changed. */
function setChanged(
	entry: Y.Map<unknown>,
	fields: Record<string, unknown>,
	by: MemberId,
	now: number,
	force = false
): boolean {
	let changed = force;
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined || entry.get(key) === value) continue;
		entry.set(key, value);
		changed = true;
	}
	if (changed) {
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
	}
	return changed;
}

function labelOf(entry: Y.Map<unknown>, key: string): string {
	const value = entry.get(key);
	return typeof value === 'string' ? value : '';
}

function lineActivity(line: { label: string; planned: number }, currency: string): Pick<ActivityInput, 'summary' | 'data'> {
	return { summary: line.label, data: { amount: line.planned, currency } };
}
