/**
 * A field two devices set to different values while apart (core/revisions.ts
 * keeps both): what each value is about, and settling it. Settling writes
 * the chosen value, one of those kept or a new one, through the entity's own
 * edit, so the same rules apply as in its form (a removed resource refuses,
 * a closed decision keeps its texts); that edit names every value it saw as
 * its bases and the conflict closes on every device it reaches. When the
 * field already holds the chosen value, only the revision is written.
 */
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import type { BudgetLineId, DecisionId, FundId, LedgerEntryId, MemberId, NeedId, PledgeId, ResourceId } from '../core/ids';
import type { Refusal } from '../core/refusals';
import { editConflicts, fieldHeads, sameValue, writeRevision, type EditKind } from '../core/revisions';
import { LOCAL_ORIGIN, decisionsMap, duesMap, fundsMap, ledgerMap, metaMap, needsMap, pledgesMap, recordedField, resourcesMap } from '../core/schema';
import { getDecision, updateDecision, type DecisionPatch, type DecisionUpdate } from '../decisions/decisions';
import { getResource, updateResource, type ResourcePatch, type UpdateResourceResult } from '../inventory/resources';
import { changeDuesAmount, type DuesChangeResult } from '../money/dues-changes';
import { setDues, type DuesInput, type SetDuesResult } from '../money/dues';
import { budgetLines, editBudgetLine, editFund, getFund, type FundChangeResult } from '../money/funds';
import { getEntry, storedEntryField } from '../money/ledger';
import { getNeed, updateNeed, type NeedKind, type NeedPatch, type NeedUpdate } from '../needs/needs';
import { editPledge, type EditPledgeResult } from '../needs/pledge-corrections';
import { getPledge } from '../needs/pledges';
import { editEntry, type EditResult, type EntryPatch } from '../money/ledger-corrections';
import { editSpace, memberName, readSpaceMeta, type SpaceInput, type SpaceResult } from '../space/space';

type Failed<R> = Extract<R, { ok: false }>;

/** Why the entity's own edit refused the chosen value, by kind, for the page to say it in the entity's words. */
export type EditRefusal =
	| { kind: 'resource'; refusal: Failed<UpdateResourceResult> }
	| { kind: 'need'; refusal: Failed<NeedUpdate> }
	| { kind: 'pledge'; refusal: Failed<EditPledgeResult>; needId: NeedId }
	| { kind: 'decision'; refusal: Failed<DecisionUpdate> }
	| { kind: 'fund'; refusal: Failed<FundChangeResult> }
	| { kind: 'dues'; refusal: Failed<SetDuesResult | DuesChangeResult>; start: string }
	| { kind: 'ledger'; refusal: Failed<EditResult> }
	| { kind: 'space'; refusal: Failed<SpaceResult> };

export type ResolveEditResult =
	| { ok: true }
	/** Settled meanwhile, here or on another device. */
	| Refusal<'already_resolved'>
	/** The entity is not on this device, or its kind has no edit. */
	| Refusal<'not_found'>
	| { ok: false; reason: 'edit_refused'; edit: EditRefusal };

/** What an edit conflict is about. */
export interface EditedField {
	kind: EditKind;
	entity: string;
	field: string;
}

/** The fields each kind's own edit writes; a line's and a dues change's fields by their pattern. */
const EDITED_FIELDS: Record<EditKind, RegExp> = {
	space: /^(name|description)$/,
	resource: /^(kind|name|description|quantity|unit|location|expiresOn|availability|fundId)$/,
	need: /^(kind|title|description|target|unit|deadline|cap)$/,
	pledge: /^(amount|note|supporterName|condition)$/,
	decision: /^(title|proposal|closesAt|reviewOn)$/,
	fund: /^(name|description|line:[A-Za-z0-9_-]+:(label|planned))$/,
	dues: /^(amount|currency|period|start|from:\d{4}-\d{2}-\d{2})$/,
	ledger: /^(date|note|category|counterparty|budgetLineId|needId)$/
};

/**
 * Whether a conflict is one this device can settle: a field the entity's own
 * edit writes, on an entity that is here. Revisions naming anything else come
 * from a faulty or hostile client, or ahead of their entity, and are not shown.
 */
export function isSettleable(doc: Y.Doc, edited: EditedField): boolean {
	return EDITED_FIELDS[edited.kind].test(edited.field) && storedValue(doc, edited) !== undefined;
}

/** The items of one kind with a field in conflict, for their page to point at the conflict. */
export function itemsInConflict(doc: Y.Doc, kind: EditKind): string[] {
	const items = new Set<string>();
	for (const edit of editConflicts(doc)) if (edit.kind === kind && isSettleable(doc, edit)) items.add(edit.entity);
	return [...items].sort();
}

/** What formatting a value of the field needs: its unit, currency or kind. */
export interface FieldContext {
	unit: string | null;
	currency: string | null;
	needKind: NeedKind | null;
}

/** The entity's name, and what a page needs to show a value of `field` in the reader's words. */
export function editedEntity(doc: Y.Doc, edited: Pick<EditedField, 'kind' | 'entity'> & { field?: string }): { name: string | null; context: FieldContext } {
	const none: FieldContext = { unit: null, currency: null, needKind: null };
	switch (edited.kind) {
		case 'resource': {
			const resource = getResource(doc, edited.entity as ResourceId);
			return { name: resource?.name ?? null, context: { ...none, unit: resource?.unit ?? null } };
		}
		case 'need': {
			const need = getNeed(doc, edited.entity as NeedId);
			return { name: need?.title ?? null, context: needContext(need) };
		}
		case 'pledge': {
			const pledge = getPledge(doc, edited.entity as PledgeId);
			const need = pledge ? getNeed(doc, pledge.needId) : undefined;
			return { name: need?.title ?? null, context: needContext(need) };
		}
		case 'space':
			return { name: readSpaceMeta(doc)?.name ?? null, context: none };
		case 'decision':
			return { name: getDecision(doc, edited.entity as DecisionId)?.title ?? null, context: none };
		case 'fund': {
			const fund = getFund(doc, edited.entity as FundId);
			const line = edited.field ? budgetLine(edited.field) : null;
			const label = line && fund ? budgetLines(doc, fund.id).items.find((l) => l.id === line.lineId)?.label : undefined;
			const name = fund ? (label ? `${fund.name} · ${label}` : fund.name) : null;
			return { name, context: { ...none, currency: fund?.currency ?? null } };
		}
		case 'dues': {
			const setting = duesMap(doc).get(edited.entity);
			const currency = setting instanceof Y.Map ? setting.get('currency') : null;
			const name = edited.entity === 'default' ? null : memberName(doc, edited.entity as MemberId);
			return { name, context: { ...none, currency: typeof currency === 'string' ? currency : null } };
		}
		case 'ledger': {
			const entry = getEntry(doc, edited.entity as LedgerEntryId);
			return { name: null, context: { ...none, currency: entry?.currency ?? null } };
		}
		default:
			return { name: null, context: none };
	}
}

/**
 * The name behind a value that is an id (a ledger entry's need or budget line,
 * a member as counterparty, the fund an item of the inventory is linked to), for a page to show it rather than the id; null
 * for other values, or when that item is not here.
 */
export function valueName(doc: Y.Doc, { kind, entity, field }: EditedField, value: unknown): string | null {
	if (kind === 'resource' && field === 'fundId' && typeof value === 'string') return getFund(doc, value as FundId)?.name ?? null;
	if (kind !== 'ledger' || value === null || value === undefined) return null;
	if (field === 'needId' && typeof value === 'string') return getNeed(doc, value as NeedId)?.title ?? null;
	if (field === 'budgetLineId' && typeof value === 'string') {
		const entry = getEntry(doc, entity as LedgerEntryId);
		return entry ? (budgetLines(doc, entry.fundId).items.find((line) => line.id === value)?.label ?? null) : null;
	}
	if (field === 'counterparty' && typeof value === 'object' && (value as { kind?: unknown }).kind === 'member') {
		const memberId = (value as { memberId?: unknown }).memberId;
		return typeof memberId === 'string' ? memberName(doc, memberId) : null;
	}
	return null;
}

function needContext(need: ReturnType<typeof getNeed>): FieldContext {
	if (!need) return { unit: null, currency: null, needKind: null };
	return { unit: need.unit, currency: need.kind === 'money' ? need.unit : null, needKind: need.kind };
}

/**
 * Settles an edit conflict on `value`: one of the values kept, or a new one.
 * Refused when the conflict was settled meanwhile, or when the entity's own
 * edit refuses the value.
 */
export function resolveEditConflict(doc: Y.Doc, edited: EditedField, value: unknown, by: MemberId, now = Date.now()): ResolveEditResult {
	const { kind, entity, field } = edited;
	if (fieldHeads(doc, kind, entity, field).length < 2) return { ok: false, reason: 'already_resolved' };
	if (!isSettleable(doc, edited)) return { ok: false, reason: 'not_found' };
	const current = storedValue(doc, edited);
	const outcome: { refused: EditRefusal | null } = { refused: null };
	doc.transact(() => {
		if (sameValue(current, value)) writeRevision(doc, kind, entity, field, value, by, now);
		else outcome.refused = write(doc, edited, value, by, now);
		if (outcome.refused) return;
		// Subject: the item, as `<kind>:<entity>`; the field is in the change. Keeping the value
		// shown is told as the value kept, not as a change from it to itself.
		recordActivity(doc, {
			at: now,
			by,
			action: 'conflict.resolved',
			subjectKind: 'conflict',
			subjectId: `${kind}:${entity}`,
			changes: [{ field, from: sameValue(current, value) ? null : current, to: value }]
		});
	}, LOCAL_ORIGIN);
	return outcome.refused ? { ok: false, reason: 'edit_refused', edit: outcome.refused } : { ok: true };
}

/** The field as the entity holds it now; undefined when the entity is not here. */
export function storedValue(doc: Y.Doc, { kind, entity, field }: EditedField): unknown {
	const read = (map: Y.Map<unknown>, key: string, name: string) => {
		const stored = map.get(key);
		// A field never edited since the entity was made is among its recorded fields.
		return stored instanceof Y.Map ? (recordedField(stored, name) ?? null) : undefined;
	};
	switch (kind) {
		case 'space': {
			const meta = metaMap(doc);
			return entity === 'meta' && meta.has('name') ? (meta.get(field) ?? null) : undefined;
		}
		case 'resource':
			return read(resourcesMap(doc), entity, field);
		case 'need':
			return read(needsMap(doc), entity, field);
		case 'pledge': {
			if (field !== 'condition') return read(pledgesMap(doc), entity, field);
			const threshold = read(pledgesMap(doc), entity, 'conditionThreshold');
			const date = read(pledgesMap(doc), entity, 'conditionBy');
			if (threshold === undefined) return undefined;
			return threshold === null || date === null ? null : { threshold, by: date };
		}
		case 'decision':
			return read(decisionsMap(doc), entity, field);
		case 'fund': {
			const line = budgetLine(field);
			if (!line) return read(fundsMap(doc), entity, field);
			const fund = fundsMap(doc).get(entity);
			const lines = fund instanceof Y.Map ? fund.get('lines') : undefined;
			return lines instanceof Y.Map ? read(lines, line.lineId, line.field) : undefined;
		}
		case 'dues':
			return read(duesMap(doc), entity, field);
		case 'ledger':
			// An entry's unedited fields are kept together under one key (ledger.ts).
			return storedEntryField(ledgerMap(doc).get(entity), field);
		default:
			return undefined;
	}
}

function budgetLine(field: string): { lineId: BudgetLineId; field: string } | null {
	const match = /^line:([A-Za-z0-9_-]+):(\w+)$/.exec(field);
	return match ? { lineId: match[1] as BudgetLineId, field: match[2]! } : null;
}

/** Writes through the entity's own edit; its refusal, if any. Values are checked there like a form's. */
function write(doc: Y.Doc, { kind, entity, field }: EditedField, value: unknown, by: MemberId, now: number): EditRefusal | null {
	switch (kind) {
		case 'space': {
			const meta = readSpaceMeta(doc);
			const result = editSpace(doc, { name: meta?.name ?? '', description: meta?.description ?? '', [field]: value } as SpaceInput, by, now);
			return result.ok ? null : { kind, refusal: result };
		}
		case 'resource': {
			const result = updateResource(doc, entity as ResourceId, { [field]: value } as ResourcePatch, by, now);
			return result.ok ? null : { kind, refusal: result };
		}
		case 'need': {
			const result = updateNeed(doc, entity as NeedId, { [field]: value } as NeedPatch, by, now);
			return result.ok ? null : { kind, refusal: result };
		}
		case 'pledge': {
			const result = editPledge(doc, entity as PledgeId, { [field]: value } as Parameters<typeof editPledge>[2], by, now);
			const needId = getPledge(doc, entity as PledgeId)?.needId;
			return result.ok || !needId ? null : { kind, refusal: result, needId };
		}
		case 'decision': {
			const result = updateDecision(doc, entity as DecisionId, { [field]: value } as DecisionPatch, by, now);
			return result.ok ? null : { kind, refusal: result };
		}
		case 'fund': {
			const line = budgetLine(field);
			const result = line
				? editBudgetLine(doc, entity as FundId, line.lineId, { [line.field]: value }, by, now)
				: editFund(doc, entity as FundId, { [field]: value }, by, now);
			return result.ok ? null : { kind, refusal: result };
		}
		case 'dues': {
			const setting = duesMap(doc).get(entity);
			const start = setting instanceof Y.Map ? String(setting.get('start') ?? '') : '';
			const who = entity as MemberId | 'default';
			if (field.startsWith('from:')) {
				const result = changeDuesAmount(doc, who, { from: field.slice('from:'.length), amount: value as number }, by, now);
				return result.ok ? null : { kind, refusal: result, start };
			}
			const current: Record<string, unknown> = {};
			if (setting instanceof Y.Map) for (const key of ['amount', 'currency', 'period', 'start']) current[key] = setting.get(key);
			const result = setDues(doc, who, { ...current, [field]: value } as DuesInput, by, now);
			return result.ok ? null : { kind, refusal: result, start };
		}
		case 'ledger': {
			const result = editEntry(doc, entity as LedgerEntryId, { [field]: value } as EntryPatch, by, now);
			return result.ok ? null : { kind, refusal: result };
		}
		default:
			return null;
	}
}
