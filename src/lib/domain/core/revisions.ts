/**
 * Field edits made on devices that had not seen each other's. An entity is a
 * Y.Map, and a Y.Map keeps one value per key: when two phones set the van's
 * location offline, the merge keeps one and forgets the other. So every edit
 * of a field of an existing entity also writes what it set, where concurrent
 * writers never overwrite each other, and with what the writer saw before.
 *
 * Storage: the top-level Y.Map `revisions`, keyed by a fresh random id, each
 * value a plain object (never a Y type):
 *
 *   { kind, entity, field, value, by, at, bases }
 *
 *   kind    which collection: 'resource', 'need', 'pledge', 'decision', …
 *   entity  the entity's key in it (a dues setting's key is its target, the
 *           space's own fields are 'meta')
 *   field   the field as stored ('location', 'from:2027-01-01', …)
 *   value   the stored value the edit set
 *   by, at  who wrote it, when (ms since the epoch)
 *   bases   the revisions of this entity's field that the writer had as
 *           current: none for a field's first recorded edit, two or more when
 *           the writer settled a conflict between them
 *
 * A revision is written in the same transaction as the field itself; creating
 * an entity writes none, so the document grows with edits, not with entities.
 *
 * The heads of a field are its revisions that no other revision of it names
 * as a base. Edits made one after the other form a line: one head, nothing to
 * say. Two heads or more holding different values were written without
 * seeing each other: a conflict, with every value kept here and who wrote it.
 * Writing the field again (an edit, or choosing on the conflicts page) names
 * every head as a base and closes it, on every device once it arrives.
 *
 * The revisions are indexed once per document and the index follows the map
 * as revisions arrive, so finding the conflicts reads only the fields that
 * changed, never every entity.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { isId, newId, type MemberId } from './ids';
import { compareIds } from './order';
import { entityId, idString, revisionsMap, timestamp } from './schema';

/**
 * What has fields a member edits. A booking has none: it is requested, then
 * confirmed or cancelled by marks that merge by rule (bookings.ts), and two
 * bookings of one slot are their own kind of conflict.
 */
export const EDIT_KINDS = ['space', 'resource', 'need', 'pledge', 'decision', 'fund', 'dues', 'ledger'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

const RevisionSchema = v.object({
	kind: v.picklist(EDIT_KINDS),
	entity: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
	field: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
	value: v.unknown(),
	by: entityId<'member'>(),
	at: timestamp,
	bases: v.pipe(v.array(idString), v.maxLength(256))
});
export type Revision = v.InferOutput<typeof RevisionSchema> & { id: string };

/** One field's change, as an edit made it: the stored value before and after. */
export interface FieldChange {
	field: string;
	from: unknown;
	to: unknown;
}

/** One of the values a conflict keeps, with its latest writer. */
export interface ConflictingValue {
	revision: string;
	value: unknown;
	by: MemberId;
	at: number;
}

/** A field set to different values by edits that had not seen each other. */
export interface EditConflict {
	kind: EditKind;
	entity: string;
	field: string;
	/** Oldest first; at least two, all different. */
	values: ConflictingValue[];
}

interface Group {
	/** Revisions of this field that another of its revisions names as a base, arrived or not. */
	named: Set<string>;
	/** Its revisions that none names: what the field's conflict, if any, is between. */
	heads: Set<string>;
}

interface Index {
	byId: Map<string, Revision>;
	groups: Map<string, Group>;
	/** The fields whose heads disagree, by group key. */
	conflicted: Map<string, EditConflict>;
	/** A revision went away or was replaced (never by this app): the index is built again. */
	stale: boolean;
}

const indexes = new WeakMap<Y.Map<unknown>, Index>();

const groupKey = (kind: string, entity: string, field: string) => `${kind}\u0000${entity}\u0000${field}`;

function readRevision(id: string, raw: unknown): Revision | null {
	if (!isId(id) || typeof raw !== 'object' || raw === null || raw instanceof Y.AbstractType) return null;
	const parsed = v.safeParse(RevisionSchema, raw);
	return parsed.success ? { ...parsed.output, id } : null;
}

function add(index: Index, revision: Revision): void {
	if (index.byId.has(revision.id)) return;
	index.byId.set(revision.id, revision);
	const key = groupKey(revision.kind, revision.entity, revision.field);
	let group = index.groups.get(key);
	if (!group) index.groups.set(key, (group = { named: new Set(), heads: new Set() }));
	// A revision may arrive before one it names (from a third device): the name waits for it.
	for (const base of revision.bases) {
		group.named.add(base);
		group.heads.delete(base);
	}
	if (!group.named.has(revision.id)) group.heads.add(revision.id);
	settle(index, key, group, revision);
}

/** Whether the field's heads disagree, noted after each revision of it. */
function settle(index: Index, key: string, group: Group, sample: Revision): void {
	const values = new Map<string, ConflictingValue>();
	for (const id of group.heads) {
		const head = index.byId.get(id)!;
		const valueKey = stableKey(head.value);
		const seen = values.get(valueKey);
		if (!seen || seen.at < head.at || (seen.at === head.at && compareIds(seen.revision, id) < 0)) {
			values.set(valueKey, { revision: id, value: head.value, by: head.by, at: head.at });
		}
	}
	if (values.size < 2) {
		index.conflicted.delete(key);
		return;
	}
	const sorted = [...values.values()].sort((a, b) => a.at - b.at || compareIds(a.revision, b.revision));
	index.conflicted.set(key, { kind: sample.kind, entity: sample.entity, field: sample.field, values: sorted });
}

function build(map: Y.Map<unknown>): Index {
	const index: Index = { byId: new Map(), groups: new Map(), conflicted: new Map(), stale: false };
	for (const [id, raw] of map.entries()) {
		const revision = readRevision(id, raw);
		if (revision) add(index, revision);
	}
	return index;
}

function indexOf(doc: Y.Doc): Index {
	const map = revisionsMap(doc);
	let index = indexes.get(map);
	if (index && !index.stale) return index;
	const fresh = build(map);
	if (!index) {
		map.observe((event) => {
			const kept = indexes.get(map);
			if (!kept || kept.stale) return;
			for (const [id, change] of event.changes.keys) {
				if (change.action !== 'add') {
					kept.stale = true;
					return;
				}
				const revision = readRevision(id, map.get(id));
				if (revision) add(kept, revision);
			}
		});
	}
	indexes.set(map, fresh);
	return fresh;
}

/** The revisions of a field no other revision of it has superseded, oldest first. */
export function fieldHeads(doc: Y.Doc, kind: EditKind, entity: string, field: string): Revision[] {
	const index = indexOf(doc);
	const group = index.groups.get(groupKey(kind, entity, field));
	if (!group) return [];
	const heads = [...group.heads].map((id) => index.byId.get(id)!);
	return heads.sort((a, b) => a.at - b.at || compareIds(a.id, b.id));
}

/**
 * Notes each changed field of an existing entity, each revision naming what
 * the writer had as the field's current revisions. Call it inside the
 * transaction that sets the fields.
 */
export function recordEdits(doc: Y.Doc, kind: EditKind, entity: string, changes: readonly FieldChange[], by: MemberId, at: number): void {
	for (const change of changes) writeRevision(doc, kind, entity, change.field, change.to, by, at);
}

/**
 * Settles a field on a value it already holds: a revision naming every head,
 * with the field itself left as it is. Call it inside a transaction.
 */
export function writeRevision(doc: Y.Doc, kind: EditKind, entity: string, field: string, value: unknown, by: MemberId, at: number): string {
	const bases = fieldHeads(doc, kind, entity, field).map((head) => head.id);
	const id = newId<'revision'>();
	const record = { kind, entity, field, value: value === undefined ? null : value, by, at, bases };
	revisionsMap(doc).set(id, record);
	// Known at once, so that a second edit in the same transaction sees this one.
	const index = indexes.get(revisionsMap(doc));
	if (index && !index.stale) add(index, { ...record, id });
	return id;
}

/** Every field whose concurrent edits disagree, in a stable order. */
export function editConflicts(doc: Y.Doc): EditConflict[] {
	const found = [...indexOf(doc).conflicted.values()];
	return found.sort(
		(a, b) => compareIds(a.kind, b.kind) || compareIds(a.entity, b.entity) || compareIds(a.field, b.field)
	);
}

/** Whether two stored values are the same, whatever the order of their keys. */
export function sameValue(a: unknown, b: unknown): boolean {
	return stableKey(a) === stableKey(b);
}

function stableKey(value: unknown): string {
	return JSON.stringify(value, (_key, inner: unknown) =>
		inner !== null && typeof inner === 'object' && !Array.isArray(inner)
			? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
			: inner
	) ?? 'undefined';
}
