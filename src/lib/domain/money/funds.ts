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
import { recordActivity } from '../core/activity';
import { newId, type BudgetLineId, type FundId, type MemberId } from '../core/ids';
import { MAX_AMOUNT, toDecimalString } from '../core/money';
import {
	DomainError,
	LOCAL_ORIGIN,
	currencyCode,
	fundsMap,
	idString,
	minorUnits,
	readEntities,
	readEntity,
	text,
	timestamp,
	validateInput,
	type ReadResult
} from '../core/schema';

export const FUND_KINDS = ['cash', 'bank', 'budget'] as const;
export type FundKind = (typeof FUND_KINDS)[number];

const FundSchema = v.object({
	id: idString,
	name: v.pipe(text(120), v.minLength(1)),
	kind: v.picklist(FUND_KINDS),
	currency: currencyCode,
	description: v.optional(text(2000), ''),
	archived: v.optional(v.boolean(), false),
	createdAt: timestamp,
	createdBy: idString,
	updatedAt: timestamp,
	updatedBy: idString
});
export type Fund = Omit<v.InferOutput<typeof FundSchema>, 'id' | 'createdBy' | 'updatedBy'> & {
	id: FundId;
	createdBy: MemberId;
	updatedBy: MemberId;
};

const plannedAmount = v.pipe(minorUnits, v.minValue(0), v.maxValue(MAX_AMOUNT));

const BudgetLineSchema = v.object({
	id: idString,
	label: v.pipe(text(120), v.minLength(1)),
	planned: plannedAmount,
	createdAt: timestamp,
	createdBy: idString,
	updatedAt: timestamp,
	updatedBy: idString,
	removedAt: v.optional(v.nullable(timestamp), null),
	removedBy: v.optional(v.nullable(idString), null)
});
export type BudgetLine = Omit<v.InferOutput<typeof BudgetLineSchema>, 'id' | 'createdBy' | 'updatedBy' | 'removedBy'> & {
	id: BudgetLineId;
	createdBy: MemberId;
	updatedBy: MemberId;
	removedBy: MemberId | null;
};

const name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120));
const description = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)), '');

const FundInput = v.object({
	name,
	kind: v.picklist(FUND_KINDS),
	currency: v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z]{3}$/)),
	description
});
export type FundInput = v.InferInput<typeof FundInput>;

/** Kind and currency are fixed at creation: changing them would make past entries lie. */
const FundPatch = v.partial(v.strictObject({ name, description: v.pipe(v.string(), v.trim(), v.maxLength(2000)) }));
export type FundPatch = v.InferInput<typeof FundPatch>;

const LineInput = v.object({
	label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	planned: plannedAmount
});
export type BudgetLineInput = v.InferInput<typeof LineInput>;
const LinePatch = v.partial(LineInput);
export type BudgetLinePatch = v.InferInput<typeof LinePatch>;

export function createFund(doc: Y.Doc, input: FundInput, by: MemberId, now = Date.now()): FundId {
	const fields = validateInput(FundInput, input);
	const id = newId<'fund'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		entry.set('id', id);
		for (const [key, value] of Object.entries(fields)) entry.set(key, value);
		entry.set('archived', false);
		entry.set('createdAt', now);
		entry.set('createdBy', by);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		entry.set('lines', new Y.Map<unknown>());
		fundsMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'fund.created', subjectKind: 'fund', subjectId: id, summary: fields.name });
	}, LOCAL_ORIGIN);
	return id;
}

/** Writes only the fields that changed, so a concurrent edit of the other one survives. */
export function editFund(doc: Y.Doc, id: FundId, patch: FundPatch, by: MemberId, now = Date.now()): void {
	const fields = validateInput(FundPatch, patch);
	const entry = fundEntry(doc, id);
	doc.transact(() => {
		if (setChanged(entry, fields, by, now)) {
			recordActivity(doc, { at: now, by, action: 'fund.edited', subjectKind: 'fund', subjectId: id, summary: labelOf(entry, 'name') });
		}
	}, LOCAL_ORIGIN);
}

/** An archived fund takes no new entries but keeps its history, and can come back. */
export function setFundArchived(doc: Y.Doc, id: FundId, archived: boolean, by: MemberId, now = Date.now()): void {
	const entry = fundEntry(doc, id);
	doc.transact(() => {
		if (setChanged(entry, { archived }, by, now)) {
			const action = archived ? 'fund.archived' : 'fund.unarchived';
			recordActivity(doc, { at: now, by, action, subjectKind: 'fund', subjectId: id, summary: labelOf(entry, 'name') });
		}
	}, LOCAL_ORIGIN);
}

export function getFund(doc: Y.Doc, id: FundId): Fund | undefined {
	return readEntity(id, fundsMap(doc).get(id), FundSchema) as Fund | undefined;
}

export interface FundFilter {
	kind?: FundKind;
	/** Archived funds are hidden unless asked for; `'all'` shows both. */
	archived?: boolean | 'all';
}

export function listFunds(doc: Y.Doc, filter: FundFilter = {}): ReadResult<Fund> {
	const { items, unreadable } = readEntities(fundsMap(doc), FundSchema);
	const archived = filter.archived ?? false;
	const kept = (items as Fund[]).filter(
		(f) => (archived === 'all' || f.archived === archived) && (!filter.kind || f.kind === filter.kind)
	);
	kept.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
	return { items: kept, unreadable };
}

export function addBudgetLine(
	doc: Y.Doc,
	fundId: FundId,
	input: BudgetLineInput,
	by: MemberId,
	now = Date.now()
): BudgetLineId {
	const fields = validateInput(LineInput, input);
	const lines = linesOf(doc, fundId);
	const id = newId<'budget-line'>();
	doc.transact(() => {
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
		recordActivity(doc, { at: now, by, action: 'fund.line_added', subjectKind: 'fund', subjectId: fundId, summary: lineSummary(doc, fundId, fields) });
	}, LOCAL_ORIGIN);
	return id;
}

export function editBudgetLine(
	doc: Y.Doc,
	fundId: FundId,
	lineId: BudgetLineId,
	patch: BudgetLinePatch,
	by: MemberId,
	now = Date.now()
): void {
	const fields = validateInput(LinePatch, patch);
	const line = lineEntry(doc, fundId, lineId);
	doc.transact(() => {
		if (setChanged(line, fields, by, now)) {
			const summary = lineSummary(doc, fundId, { label: labelOf(line, 'label'), planned: Number(line.get('planned')) });
			recordActivity(doc, { at: now, by, action: 'fund.line_edited', subjectKind: 'fund', subjectId: fundId, summary });
		}
	}, LOCAL_ORIGIN);
}

/**
 * Removal is a mark: entries already assigned to the line keep pointing at it,
 * and the budget report still shows what was spent on it.
 */
export function removeBudgetLine(doc: Y.Doc, fundId: FundId, lineId: BudgetLineId, by: MemberId, now = Date.now()): void {
	const line = lineEntry(doc, fundId, lineId);
	doc.transact(() => {
		if (line.get('removedAt') !== null && line.get('removedAt') !== undefined) return;
		line.set('removedAt', now);
		line.set('removedBy', by);
		setChanged(line, {}, by, now, true);
		recordActivity(doc, { at: now, by, action: 'fund.line_removed', subjectKind: 'fund', subjectId: fundId, summary: labelOf(line, 'label') });
	}, LOCAL_ORIGIN);
}

/** The fund's lines in creation order; removed ones are included and marked. */
export function budgetLines(doc: Y.Doc, fundId: FundId): ReadResult<BudgetLine> {
	const fund = fundsMap(doc).get(fundId);
	const lines = fund instanceof Y.Map ? fund.get('lines') : undefined;
	if (!(lines instanceof Y.Map)) return { items: [], unreadable: 0 };
	const { items, unreadable } = readEntities(lines, BudgetLineSchema);
	const sorted = (items as BudgetLine[]).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	return { items: sorted, unreadable };
}

/** Whether the fund has a line with this id (removed or not). */
export function hasBudgetLine(doc: Y.Doc, fundId: FundId, lineId: string): boolean {
	const fund = fundsMap(doc).get(fundId);
	const lines = fund instanceof Y.Map ? fund.get('lines') : undefined;
	return lines instanceof Y.Map && readEntity(lineId, lines.get(lineId), BudgetLineSchema) !== undefined;
}

function fundEntry(doc: Y.Doc, id: FundId): Y.Map<unknown> {
	const entry = fundsMap(doc).get(id);
	if (!(entry instanceof Y.Map)) throw new DomainError('fund_not_found', `No fund ${id}`);
	return entry;
}

function linesOf(doc: Y.Doc, fundId: FundId): Y.Map<unknown> {
	const fund = getFund(doc, fundId);
	if (!fund) throw new DomainError('fund_not_found', `No fund ${fundId}`);
	if (fund.kind !== 'budget') throw new DomainError('not_a_budget', `Fund ${fundId} is not a budget`);
	const lines = fundEntry(doc, fundId).get('lines');
	if (!(lines instanceof Y.Map)) throw new DomainError('fund_unreadable', `Fund ${fundId} has no line map`);
	return lines;
}

function lineEntry(doc: Y.Doc, fundId: FundId, lineId: BudgetLineId): Y.Map<unknown> {
	const line = linesOf(doc, fundId).get(lineId);
	if (!(line instanceof Y.Map)) throw new DomainError('budget_line_not_found', `No budget line ${lineId}`);
	return line;
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

function lineSummary(doc: Y.Doc, fundId: FundId, line: { label: string; planned: number }): string {
	const currency = getFund(doc, fundId)?.currency ?? 'EUR';
	return `${line.label}: ${toDecimalString(line.planned, currency)} ${currency}`;
}
