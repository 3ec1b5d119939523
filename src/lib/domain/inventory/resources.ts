/** The inventory: what the collective holds, of every kind. */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import { newId, type MemberId, type ResourceId } from '../core/ids';
import { compareIds, compareNames } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import {
	AVAILABILITIES,
	LOCAL_ORIGIN,
	entityId,
	RESOURCE_KINDS,
	ResourceSchema,
	readEntities,
	readEntity,
	resourcesMap,
	recordedField,
	setRecorded,
	storedOr,
	type ReadResult,
	type Resource,
	type ResourceKind
} from '../core/schema';

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)), '');

/**
 * The kinds a new item may have. A "fund" typed into the inventory never
 * reached any total: money is kept in the money section. Items stored with
 * that kind still read, and keep it, until they are moved there (fund-items.ts).
 */
export const OFFERED_RESOURCE_KINDS = RESOURCE_KINDS.filter((kind): kind is Exclude<ResourceKind, 'fund'> => kind !== 'fund');

/** Money is not an inventory kind: create a fund in the money section instead. */
export type MoneyIsNotAnItem = Refusal<'money_is_not_an_item'>;

/** What a form may set on a resource. Absent fields keep their value on edit. */
const ResourceFields = v.object({
	kind: v.picklist(RESOURCE_KINDS),
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	description: optionalText(2000),
	quantity: v.optional(v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))), null),
	unit: optionalText(30),
	location: optionalText(120),
	expiresOn: v.optional(v.nullable(v.pipe(v.string(), v.isoDate())), null),
	availability: v.optional(v.picklist(AVAILABILITIES), 'available'),
	fundId: v.optional(v.nullable(entityId<'fund'>()), null)
});
export type ResourceInput = v.InferInput<typeof ResourceFields>;
type ResourceFields = v.InferOutput<typeof ResourceFields>;

const ResourcePatch = v.partial(ResourceFields);
export type ResourcePatch = v.InferInput<typeof ResourcePatch>;

/** The resource is not on this device: removed for good, or never arrived. */
export type ResourceNotFound = Refusal<'not_found'>;
export type AddResourceResult = { ok: true; id: ResourceId } | InvalidField | MoneyIsNotAnItem;
export type UpdateResourceResult = { ok: true; changed: boolean } | InvalidField | ResourceNotFound | Refusal<'removed'> | MoneyIsNotAnItem;
export type ResourceMarkResult = { ok: true } | ResourceNotFound;

/** What a resource's reader takes a field left out of its map to be, besides null (ResourceSchema). */
const ABSENT: Readonly<Record<string, unknown>> = { description: '', unit: '', location: '', availability: 'available' };

export function addResource(doc: Y.Doc, input: ResourceInput, by: MemberId, now = Date.now()): AddResourceResult {
	const checked = checkInput(ResourceFields, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	if (fields.kind === 'fund') return { ok: false, reason: 'money_is_not_an_item' };
	const id = newId<'resource'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		// Not yet edited nor removed: `updatedAt` and `removedAt` come with the first edit or removal.
		setRecorded(entry, { ...fields, createdAt: now, createdBy: by }, ABSENT);
		resourcesMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'resource.created', subjectKind: 'resource', subjectId: id, summary: fields.name });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

/**
 * Writes only the fields that changed, so a concurrent edit of another field
 * on another device survives the merge. A resource someone removed meanwhile
 * is refused: restore it first, so that an edit never lands unseen.
 */
export function updateResource(
	doc: Y.Doc,
	id: ResourceId,
	patch: ResourcePatch,
	by: MemberId,
	now = Date.now()
): UpdateResourceResult {
	const checked = checkInput(ResourcePatch, patch);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const entry = entryOf(doc, id);
	if (!entry) return { ok: false, reason: 'not_found' };
	if (entry.get('removedAt') != null) return { ok: false, reason: 'removed' };
	if (fields.kind === 'fund' && recordedField(entry, 'kind') !== 'fund') return { ok: false, reason: 'money_is_not_an_item' };
	const changes: FieldChange[] = [];
	for (const [key, value] of Object.entries(fields)) {
		const stored = storedOr(entry, key, ABSENT);
		if (value === undefined || stored === value) continue;
		changes.push({ field: key, from: stored ?? null, to: value });
	}
	const changed = changes.length > 0;
	if (changed) {
		doc.transact(() => {
			for (const { field, to } of changes) entry.set(field, to);
			entry.set('updatedAt', now);
			entry.set('updatedBy', by);
			// The value this device set stays on record even if another device's edit wins the field.
			recordEdits(doc, 'resource', id, changes, by, now);
			recordActivity(doc, { at: now, by, action: 'resource.updated', subjectKind: 'resource', subjectId: id, summary: nameOf(entry), changes });
		}, LOCAL_ORIGIN);
	}
	return { ok: true, changed };
}

/**
 * Removal is a mark, not a deletion: the item leaves the inventory but its
 * history stays, it can be restored, and an edit made concurrently elsewhere
 * is not lost.
 */
export function removeResource(doc: Y.Doc, id: ResourceId, by: MemberId, now = Date.now()): ResourceMarkResult {
	const entry = entryOf(doc, id);
	if (!entry) return { ok: false, reason: 'not_found' };
	doc.transact(() => {
		entry.set('removedAt', now);
		entry.set('removedBy', by);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		recordActivity(doc, { at: now, by, action: 'resource.removed', subjectKind: 'resource', subjectId: id, summary: nameOf(entry) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

export function restoreResource(doc: Y.Doc, id: ResourceId, by: MemberId, now = Date.now()): ResourceMarkResult {
	const entry = entryOf(doc, id);
	if (!entry) return { ok: false, reason: 'not_found' };
	doc.transact(() => {
		entry.set('removedAt', null);
		entry.set('removedBy', null);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		recordActivity(doc, { at: now, by, action: 'resource.restored', subjectKind: 'resource', subjectId: id, summary: nameOf(entry) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

export function getResource(doc: Y.Doc, id: ResourceId): Resource | undefined {
	return readEntity(id, resourcesMap(doc).get(id), ResourceSchema);
}

export interface ResourceFilter {
	kind?: ResourceKind | null;
	/** Free text, matched without regard to case or accents. */
	search?: string;
	/** Removed items are hidden unless asked for. */
	removed?: boolean;
}

export function listResources(doc: Y.Doc, filter: ResourceFilter = {}): ReadResult<Resource> {
	const { items, unreadable } = readEntities(resourcesMap(doc), ResourceSchema);
	const kept = items.filter(resourceMatcher(filter));
	kept.sort(byName);
	return { items: kept, unreadable };
}

/** Whether a resource is one the filter keeps: the search folded once, each resource tested once. */
export function resourceMatcher(filter: ResourceFilter): (resource: Resource) => boolean {
	const needle = fold(filter.search ?? '');
	const wantRemoved = filter.removed ?? false;
	return (r) =>
		(r.removedAt !== null) === wantRemoved &&
		(!filter.kind || r.kind === filter.kind) &&
		(needle === '' || fold(`${r.name} ${r.description} ${r.location}`).includes(needle));
}

/** The inventory's order: by name the same on every device, then by age, then by id. */
export function byName(a: Resource, b: Resource): number {
	return compareNames(a.name, b.name) || a.createdAt - b.createdAt || compareIds(a.id, b.id);
}

export type ExpiryStatus = 'expired' | 'soon' | 'ok' | 'none';

/** Food past its date is expired; on its date or within `soonDays` before it, it is flagged. */
export function expiryStatus(resource: Pick<Resource, 'expiresOn'>, today: string, soonDays = 3): ExpiryStatus {
	if (!resource.expiresOn) return 'none';
	const days = daysBetween(today, resource.expiresOn);
	if (days < 0) return 'expired';
	if (days <= soonDays) return 'soon';
	return 'ok';
}

function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function entryOf(doc: Y.Doc, id: ResourceId): Y.Map<unknown> | null {
	const entry = resourcesMap(doc).get(id);
	return entry instanceof Y.Map ? entry : null;
}

function nameOf(entry: Y.Map<unknown>): string {
	const name = recordedField(entry, 'name');
	return typeof name === 'string' ? name : '';
}

function fold(text: string): string {
	return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim();
}
