/**
 * Needs: what a collective lacks, with a target in a unit. Money is counted in
 * integer minor units of one currency; goods, time and space in a positive
 * number of a free unit ('kg', 'h', 'day'). Pledges are always in the need's unit.
 *
 * The stored `status` is what people set by hand: 'open', 'met' (we have
 * enough, whatever the numbers say) or 'closed'. The status a page shows is
 * derived on read (progress.ts): a need whose deliveries reach its target is
 * 'met' without anyone writing it, so two half-deliveries recorded offline on
 * two phones still make a met need once merged.
 *
 * This module knows nothing of pledges beyond "are there any", so that
 * pledges.ts can read needs without a cycle; views that combine both
 * (progress, the filtered list of needs) live in progress.ts.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import { newId, type DecisionId, type MemberId, type NeedId } from '../core/ids';
import { MAX_AMOUNT } from '../core/money';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import {
	DomainError,
	LOCAL_ORIGIN,
	currencyCode,
	entityId,
	isoDate,
	needsMap,
	pledgesMap,
	readEntities,
	readEntity,
	recordedField,
	recordedFields,
	setRecorded,
	storedOr,
	text,
	timestamp,
	type ReadResult
} from '../core/schema';

export const NEED_KINDS = ['money', 'goods', 'time', 'space', 'other'] as const;
export type NeedKind = (typeof NEED_KINDS)[number];
const QUANTITY_KINDS = ['goods', 'time', 'space', 'other'] as const;

export const NEED_STATUSES = ['open', 'met', 'closed'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** Money: a whole number of minor units. */
const moneyQuantity = v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(MAX_AMOUNT));
/**
 * Goods, time, space: a positive number ("2.5 h"), at most a billion, so that
 * totals kept in millionths (pledges.ts `sum`) stay exact.
 */
const plainQuantity = v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1_000_000_000));

/** What a target, a cap, a pledge or a threshold must be for a need of this kind. */
export function quantitySchema(kind: NeedKind) {
	return kind === 'money' ? moneyQuantity : plainQuantity;
}

const capAtLeastTarget = (n: { cap: number | null; target: number }) => n.cap === null || n.cap >= n.target;

const stored = {
	id: entityId<'need'>(),
	title: v.pipe(text(120), v.minLength(1)),
	description: v.optional(text(2000), ''),
	deadline: v.optional(v.nullable(isoDate), null),
	/** As set by hand; see `needStatus` in progress.ts for the status to show. */
	status: v.optional(v.picklist(NEED_STATUSES), 'open'),
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>()
};

/**
 * The need form once offered 'EUR' as the unit of every kind, and never let it
 * be changed: "40 EUR" of help or of blankets. Time reads as hours; goods,
 * space and other keep the word until someone types the right unit, which is
 * allowed even after pledges, since no pledge was ever made in euros of rice.
 */
const LEGACY_UNIT = 'EUR';

/**
 * A money need counts in minor units of its currency (`unit`, 'EUR'); any
 * other in a free unit ('kg', 'h'). No pledge is accepted past `cap`, which
 * is at least the target.
 */
const NeedSchema = v.pipe(
	v.unknown(),
	recordedFields,
	v.variant('kind', [
		v.object({
			...stored,
			kind: v.literal('money'),
			unit: currencyCode,
			target: moneyQuantity,
			cap: v.optional(v.nullable(moneyQuantity), null)
		}),
		v.object({
			...stored,
			kind: v.picklist(QUANTITY_KINDS),
			unit: v.pipe(text(30), v.minLength(1)),
			target: plainQuantity,
			cap: v.optional(v.nullable(plainQuantity), null)
		})
	]),
	v.check((n) => capAtLeastTarget(n)),
	v.transform((n) => (n.kind === 'time' && n.unit === LEGACY_UNIT ? { ...n, unit: 'h' } : n))
);

/** Whether a need's unit is that old default on a need that is not money, waiting to be corrected. */
export function hasLegacyUnit(need: Pick<Need, 'kind' | 'unit'>): boolean {
	return need.kind !== 'money' && need.unit === LEGACY_UNIT;
}

/**
 * The unit a new need of a kind starts with: the collective's currency for
 * money, hours for time, and nothing for goods, space and other, whose unit
 * (kg, boxes, m²) only the person knows.
 */
export function defaultNeedUnit(kind: NeedKind, currency: string): string {
	if (kind === 'money') return currency;
	return kind === 'time' ? 'h' : '';
}

/**
 * The unit a form shows once the kind changes from `from` to `to`: a unit the
 * person typed for goods still fits space or other, but a currency never
 * becomes a unit of goods, nor "kg" a currency, and a default follows its kind.
 */
export function unitForKind(from: NeedKind, to: NeedKind, unit: string, currency: string): string {
	if (from === to) return unit;
	const typed = unit.trim() !== '' && unit !== defaultNeedUnit(from, currency);
	return from !== 'money' && to !== 'money' && typed ? unit : defaultNeedUnit(to, currency);
}

export type Need = v.InferOutput<typeof NeedSchema>;

const trimmed = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max));
const fields = {
	title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	description: v.optional(trimmed(2000), ''),
	deadline: v.optional(v.nullable(isoDate), null)
};

/** What a form may set on a need. */
const NeedFields = v.pipe(
	v.variant('kind', [
		v.object({
			...fields,
			kind: v.literal('money'),
			unit: v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z]{3}$/)),
			target: moneyQuantity,
			cap: v.optional(v.nullable(moneyQuantity), null)
		}),
		v.object({
			...fields,
			kind: v.picklist(QUANTITY_KINDS),
			unit: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(30)),
			target: plainQuantity,
			cap: v.optional(v.nullable(plainQuantity), null)
		})
	])
);
export type NeedInput = v.InferInput<typeof NeedFields>;
type EditableKey = 'kind' | 'title' | 'description' | 'target' | 'unit' | 'deadline' | 'cap';
const EDITABLE: readonly EditableKey[] = ['kind', 'title', 'description', 'target', 'unit', 'deadline', 'cap'];
/** What a need's reader takes a field left out of its map to be, besides null (NeedSchema). */
const ABSENT: Readonly<Record<string, unknown>> = { description: '', status: 'open' };

/** Absent fields keep their value. */
export type NeedPatch = Partial<Pick<Need, EditableKey>>;

/** No need of that id here: never created, or not yet arrived on this device. */
export type NeedNotFound = Refusal<'need_not_found'>;
/** A cap lower than the target: it would refuse the pledges the need asks for. */
export type CapBelowTarget = Refusal<'cap_below_target'>;

export type NeedAdded = { ok: true; id: NeedId } | InvalidField | CapBelowTarget;

export function addNeed(doc: Y.Doc, input: NeedInput, by: MemberId, now = Date.now()): NeedAdded {
	const checked = checkFields(input);
	if (!checked.ok) return checked;
	const clean = checked.value;
	const id = newId<'need'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		const fields: Record<string, unknown> = {};
		for (const key of EDITABLE) fields[key] = clean[key];
		// Open and not yet edited: `status` and `updatedAt` come with the first change.
		setRecorded(entry, { ...fields, createdAt: now, createdBy: by }, ABSENT);
		needsMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'need.created', subjectKind: 'need', subjectId: id, summary: clean.title });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

/** For writers whose input is known good (seeds, imports, tests): a refusal there is a bug. */
export function createNeed(doc: Y.Doc, input: NeedInput, by: MemberId, now = Date.now()): NeedId {
	const added = addNeed(doc, input, by, now);
	if (!added.ok) {
		const field = added.reason === 'invalid_field' ? added.field : 'cap';
		throw new DomainError(`invalid_${field}`, `${field}: ${added.reason === 'invalid_field' ? added.problem : added.reason}`);
	}
	return added.id;
}

function checkFields(input: unknown) {
	const checked = checkInput(NeedFields, input);
	if (checked.ok && !capAtLeastTarget(checked.value)) return { ok: false, reason: 'cap_below_target' } as const;
	return checked;
}

export type NeedUpdate =
	| { ok: true; changed: EditableKey[] }
	| Refusal<'unit_locked'>
	| NeedNotFound
	| InvalidField
	| CapBelowTarget;

/**
 * Writes only the fields that changed, so a concurrent edit of another field
 * survives the merge. The patch is checked together with the fields it keeps
 * (a new target against the old cap, a new kind against the old unit).
 *
 * Once a need has pledges, its kind and unit are fixed: the pledges were made
 * in that unit, and 40 kg must not silently become 40 h, nor 1 250 cents of
 * euros 1 250 yen. An old default unit (`hasLegacyUnit`) can still be corrected.
 */
export function updateNeed(doc: Y.Doc, id: NeedId, patch: NeedPatch, by: MemberId, now = Date.now()): NeedUpdate {
	const entry = entryOf(doc, id);
	const current = getNeed(doc, id);
	if (!entry || !current) return { ok: false, reason: 'need_not_found' };
	const merged: Record<string, unknown> = {};
	for (const key of EDITABLE) merged[key] = patch[key] === undefined ? current[key] : patch[key];
	const checked = checkFields(merged);
	if (!checked.ok) return checked;
	const clean = checked.value;
	// Compared with what is stored: a field left out at creation reads as its default.
	const changed = EDITABLE.filter((key) => storedOr(entry, key, ABSENT) !== clean[key]);
	// Compared with the need as read: an old unit read otherwise (hours for 'EUR') is not a change of unit.
	const unitChanged = clean.unit !== current.unit && !hasLegacyUnit(current);
	if ((clean.kind !== current.kind || unitChanged) && hasPledges(doc, id)) {
		return { ok: false, reason: 'unit_locked' };
	}
	if (changed.length > 0) {
		const changes: FieldChange[] = changed.map((key) => ({ field: key, from: storedOr(entry, key, ABSENT) ?? null, to: clean[key] }));
		doc.transact(() => {
			for (const key of changed) entry.set(key, clean[key]);
			entry.set('updatedAt', now);
			entry.set('updatedBy', by);
			recordEdits(doc, 'need', id, changes, by, now);
			recordActivity(doc, { at: now, by, action: 'need.updated', subjectKind: 'need', subjectId: id, summary: clean.title, changes });
		}, LOCAL_ORIGIN);
	}
	return { ok: true, changed };
}

export type NeedStatusChange = { ok: true } | Refusal<'unchanged'> | NeedNotFound;

/** Marks a need as met by hand: the collective says it has enough. */
export function markNeedMet(doc: Y.Doc, id: NeedId, by: MemberId, now = Date.now()): NeedStatusChange {
	return setStatus(doc, id, 'met', 'need.met', by, now, null);
}

/** Closes a need by hand, or under a decision whose id goes into the history. */
export function closeNeed(
	doc: Y.Doc,
	id: NeedId,
	by: MemberId,
	now = Date.now(),
	decisionId: DecisionId | null = null
): NeedStatusChange {
	return setStatus(doc, id, 'closed', 'need.closed', by, now, decisionId);
}

/**
 * Undoes a hand-set 'met' or 'closed'. A need whose deliveries reach its
 * target still shows as met: raise the target to ask for more.
 */
export function reopenNeed(doc: Y.Doc, id: NeedId, by: MemberId, now = Date.now()): NeedStatusChange {
	return setStatus(doc, id, 'open', 'need.reopened', by, now, null);
}

export function getNeed(doc: Y.Doc, id: NeedId): Need | undefined {
	return readEntity(id, needsMap(doc).get(id), NeedSchema);
}

/** Every readable need, unfiltered and unsorted; see `listNeeds` in progress.ts. */
export function readNeeds(doc: Y.Doc): ReadResult<Need> {
	return readEntities(needsMap(doc), NeedSchema);
}

function setStatus(
	doc: Y.Doc,
	id: NeedId,
	status: NeedStatus,
	action: 'need.met' | 'need.closed' | 'need.reopened',
	by: MemberId,
	now: number,
	decisionId: DecisionId | null
): NeedStatusChange {
	const entry = entryOf(doc, id);
	if (!entry) return { ok: false, reason: 'need_not_found' };
	if ((entry.get('status') ?? 'open') === status) return { ok: false, reason: 'unchanged' };
	doc.transact(() => {
		entry.set('status', status);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		const title = recordedField(entry, 'title');
		recordActivity(doc, {
			at: now,
			by,
			action,
			subjectKind: 'need',
			subjectId: id,
			decisionId,
			summary: typeof title === 'string' ? title : ''
		});
	}, LOCAL_ORIGIN);
	return { ok: true };
}

function hasPledges(doc: Y.Doc, id: NeedId): boolean {
	for (const value of pledgesMap(doc).values()) {
		if (value instanceof Y.Map && recordedField(value, 'needId') === id) return true;
	}
	return false;
}

function entryOf(doc: Y.Doc, id: NeedId): Y.Map<unknown> | null {
	const entry = needsMap(doc).get(id);
	return entry instanceof Y.Map ? entry : null;
}
