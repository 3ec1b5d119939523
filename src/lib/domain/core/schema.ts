/**
 * The shape of a space's document. Every top-level structure is named here and
 * read through the accessors below, so that no other module spells a key.
 *
 *   meta       Y.Map    the space's own fields (name, description, …)
 *   members    Y.Map    MemberId → Y.Map of a member's fields
 *   resources  Y.Map    ResourceId → Y.Map of a resource's fields
 *   needs      Y.Map    NeedId → Y.Map              (needs.ts)
 *   pledges    Y.Map    PledgeId → Y.Map            (pledges.ts)
 *   funds      Y.Map    FundId → Y.Map              (funds.ts)
 *   ledger     Y.Map    LedgerEntryId → Y.Map       (ledger.ts)
 *   dues       Y.Map    MemberId | 'default' → Y.Map (dues.ts)
 *   bookings   Y.Map    BookingId → Y.Map           (bookings.ts)
 *   decisions  Y.Map    DecisionId → Y.Map          (decisions.ts)
 *   resolutions Y.Map   conflict key → Y.Map        (conflicts.ts)
 *   revisions  Y.Map    revision id → plain record, one per field edit (revisions.ts)
 *   activity   Y.Array  activity records, appended  (activity.ts)
 *
 * Entities are Y.Maps rather than plain objects so that two people editing
 * different fields of one item offline both keep their change.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { opened } from './derived';
import { keptReadings, readKept } from './entity-cache';
import { isId, type Id } from './ids';

export const SCHEMA_VERSION = 1;

/** Writes made by this device carry this origin; sync adapters ignore their own echoes. */
export const LOCAL_ORIGIN = Symbol('passerelle:local');

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('meta'));
}
export function membersMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('members'));
}
export function resourcesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('resources'));
}
export function needsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('needs'));
}
export function pledgesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('pledges'));
}
export function fundsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('funds'));
}
export function ledgerMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('ledger'));
}
export function duesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('dues'));
}
export function bookingsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('bookings'));
}
export function decisionsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('decisions'));
}
export function resolutionsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('resolutions'));
}
export function revisionsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('revisions'));
}
export function activityArray(doc: Y.Doc): Y.Array<unknown> {
	return opened(doc.getArray('activity'));
}

/**
 * Bidirectional embedding, override and isolate controls, and the invisible
 * direction marks. A name holding U+202E reverses the text shown after it
 * ("Bob" followed by a reversed "gpj.exe"); right-to-left names are written
 * correctly without any of them, so reading drops them from every text.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function withoutBidiControls(value: string): string {
	return value.replace(BIDI_CONTROLS, '');
}

/**
 * Building blocks for entity schemas, shared by every aggregate. Text is
 * checked against its maximum as stored (a megabyte name is refused before
 * any work on it), then cleared of direction controls.
 */
export const text = (max: number) => v.pipe(v.string(), v.maxLength(max), v.transform(withoutBidiControls));
export const timestamp = v.pipe(v.number(), v.integer(), v.minValue(0));
export const idString = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));
/**
 * An id of one kind, checked like any id and typed so that what a schema reads
 * is already a `MemberId` or a `NeedId`: the entity types inferred from the
 * schemas need no casts.
 */
export const entityId = <Kind extends string>() => v.custom<Id<Kind>>(isId, 'not an id');
export const isoDate = v.pipe(v.string(), v.isoDate());
/** Money is counted in integer minor units (cents) of one currency, never in floats. */
export const minorUnits = v.pipe(v.number(), v.safeInteger());
export const currencyCode = v.pipe(v.string(), v.regex(/^[A-Z]{3}$/));

export const SpaceMetaSchema = v.object({
	name: v.pipe(text(120), v.minLength(1)),
	description: v.optional(text(2000), ''),
	kind: v.optional(v.picklist(['collective', 'federation']), 'collective'),
	createdAt: timestamp,
	createdBy: entityId<'member'>()
});
export type SpaceMeta = v.InferOutput<typeof SpaceMetaSchema>;

export const MemberSchema = v.object({
	id: entityId<'member'>(),
	name: v.pipe(text(80), v.minLength(1)),
	/** When the device first joined: the day the app was installed, not the day the person became a member. */
	joinedAt: timestamp,
	/** The day the person became a member, as someone set it (space.ts setMemberSince); dues run from it. */
	memberSince: v.optional(v.nullable(isoDate), null),
	/**
	 * Set when someone added this person by hand, without a device: who did.
	 * Such a person owes dues, can be named in a show of hands and can pledge
	 * through another member (space/without-device.ts).
	 */
	addedBy: v.optional(v.nullable(entityId<'member'>()), null),
	/** How to reach a person without the app (a phone number, a workshop); free text. */
	contact: v.optional(text(200), ''),
	/** The device member who said "this is me" for a person added by hand: that member stands for them from then on. */
	claimedBy: v.optional(v.nullable(entityId<'member'>()), null),
	claimedAt: v.optional(v.nullable(timestamp), null)
});
export type Member = v.InferOutput<typeof MemberSchema>;

/**
 * The key under which a new entity keeps its fields as they were when it was
 * made, as one plain value: one Yjs item instead of one per field
 * (`setRecorded`).
 */
const RECORDED_KEY = 'f';

/**
 * An entity's stored map, as plain data, with what `setRecorded` packed
 * spread back among its fields, a field an edit has written since under its
 * own key reading over its recorded value; an entity written before holds
 * every field under its own key and reads as it is. `updatedAt` and `updatedBy`, left out
 * until the first edit, read as its creation. Recorded fields that are not a
 * plain object make the entity unreadable. For the start of an entity's
 * schema pipe.
 */
export const recordedFields = v.transform((stored: unknown): unknown => {
	if (typeof stored !== 'object' || stored === null) return stored;
	let fields = stored as Record<string, unknown>;
	if (RECORDED_KEY in fields) {
		const { [RECORDED_KEY]: recorded, ...rest } = fields;
		if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) return undefined;
		fields = { ...recorded, ...rest };
	}
	if (!('updatedAt' in fields)) fields = { ...fields, updatedAt: fields.createdAt, updatedBy: fields.createdBy };
	return fields;
});

/**
 * Every kind a stored resource may have. 'fund' is only read: money lives in
 * the money section, where it reaches the totals, and the inventory offers the
 * other kinds for new items (inventory/resources.ts OFFERED_RESOURCE_KINDS).
 */
export const RESOURCE_KINDS = [
	'room',
	'equipment',
	'vehicle',
	'food',
	'fund',
	'skill',
	'other'
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const AVAILABILITIES = ['available', 'in_use', 'out_of_order', 'gone'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const ResourceSchema = v.pipe(v.unknown(), recordedFields, v.object({
	id: entityId<'resource'>(),
	kind: v.picklist(RESOURCE_KINDS),
	name: v.pipe(text(120), v.minLength(1)),
	description: v.optional(text(2000), ''),
	quantity: v.optional(v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))), null),
	unit: v.optional(text(30), ''),
	location: v.optional(text(120), ''),
	expiresOn: v.optional(v.nullable(isoDate), null),
	availability: v.optional(v.picklist(AVAILABILITIES), 'available'),
	/** The fund of the money section this item stands for or was paid from, if any. */
	fundId: v.optional(v.nullable(entityId<'fund'>()), null),
	createdAt: timestamp,
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>(),
	removedAt: v.optional(v.nullable(timestamp), null),
	removedBy: v.optional(v.nullable(entityId<'member'>()), null)
}));
export type Resource = v.InferOutput<typeof ResourceSchema>;

/**
 * Sets the fields of a new entity, leaving out those its reader defaults
 * anyway (null, an empty text, and the `defaults` given): every key of a
 * Y.Map is one more item to store and decode, on every device, for good.
 * An entity written in full before reads to the same object.
 */
export function setPresent(entry: Y.Map<unknown>, fields: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>> = {}): void {
	for (const [key, value] of Object.entries(present(fields, defaults))) entry.set(key, value);
}

function present(fields: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
	const kept: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(fields)) {
		if (value === null || value === undefined || value === '' || defaults[key] === value) continue;
		kept[key] = value;
	}
	return kept;
}

/**
 * Writes a new entity's fields as one plain value (read back by
 * `recordedFields`), leaving out what reads as its default (`setPresent`);
 * the id is the key the entity is stored under (`readEntity`). Its edits then
 * write each field they change under its own key, never into this value, so
 * that two people editing different fields offline both keep theirs.
 */
export function setRecorded(entry: Y.Map<unknown>, fields: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>> = {}): void {
	entry.set(RECORDED_KEY, present(fields, defaults));
}

/** A field of an entity's map, whether under its own key or among the fields `setRecorded` packed. */
export function recordedField(entry: Y.Map<unknown>, key: string): unknown {
	if (entry.has(key)) return entry.get(key);
	const recorded: unknown = entry.get(RECORDED_KEY);
	return typeof recorded === 'object' && recorded !== null ? (recorded as Record<string, unknown>)[key] : undefined;
}

/**
 * A field of an entity's map as its reader takes it: under its own key, else
 * as recorded (`setRecorded`), else, left out, as `defaults[key]` or null. For
 * edits that compare what is stored with what they are about to write.
 */
export function storedOr(entry: Y.Map<unknown>, key: string, defaults: Readonly<Record<string, unknown>> = {}): unknown {
	const value = recordedField(entry, key);
	if (value !== undefined || entry.has(key)) return value;
	return key in defaults ? defaults[key] : null;
}

/** A schema for an entity stored under its own id. */
type EntitySchema = v.GenericSchema<unknown, { id: string }>;

/** What reading a collection found: the valid entries, and how many could not be read. */
export interface ReadResult<T> {
	items: T[];
	unreadable: number;
}

/**
 * Reads every entry of a map of entities, keeping those that pass the schema and
 * counting the others. A garbage entry written by a buggy or hostile client is
 * never allowed to break the page that lists its neighbours.
 */
export function readEntities<S extends EntitySchema>(
	map: Y.Map<unknown>,
	schema: S
): ReadResult<v.InferOutput<S>> {
	const items: v.InferOutput<S>[] = [];
	let unreadable = 0;
	const kept = keptReadings(map, schema);
	for (const [key, value] of map.entries()) {
		const reading = kept?.get(key);
		const entity = reading && reading.source === value ? (reading.value as v.InferOutput<S> | undefined) : readEntity(key, value, schema);
		if (entity === undefined) unreadable++;
		else items.push(entity);
	}
	return { items, unreadable };
}

export function readEntity<S extends EntitySchema>(
	key: string,
	value: unknown,
	schema: S
): v.InferOutput<S> | undefined {
	if (!(value instanceof Y.Map)) return undefined;
	const read = () => {
		const plain = plainValue(value);
		// An entity may leave its id to the key it is stored under (a ledger entry does): it is that key.
		if (typeof plain === 'object' && plain !== null && !('id' in plain)) (plain as Record<string, unknown>).id = key;
		const parsed = v.safeParse(schema, plain);
		if (!parsed.success || parsed.output.id !== key) return undefined;
		// Kept and shared by every reader until the entry changes: nobody may alter it.
		return deepFreeze(parsed.output);
	};
	const collection = value.parent;
	return collection instanceof Y.Map ? readKept(collection, key, value, schema, read) : read();
}

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

/**
 * No entity nests deeper than a few levels (a fund's lines, a decision's
 * tallies); anything below this depth is not ours to read.
 */
export const MAX_READ_DEPTH = 16;

/** Stands for a part nested too deep, or of a kind no entity uses: no schema accepts it. */
const UNREADABLE_PART: unique symbol = Symbol('passerelle:unreadable-part');

/**
 * A stored value as plain data, as `toJSON()` gives it but with a depth limit.
 * `toJSON()` recurses once per level: an entry of ten thousand nested maps (a
 * few kilobytes of update) overflows the stack, and the exception took down
 * every list, or under `meta` every page, on every device. Here a part below
 * the limit reads as a marker that fails its field's schema, so only the entry
 * holding it is counted unreadable; under a key no schema knows, it is dropped.
 */
export function plainValue(value: unknown, depth = MAX_READ_DEPTH): unknown {
	if (!(value instanceof Y.AbstractType)) return value;
	if (value instanceof Y.Text) return value.toString();
	if (depth <= 0) return UNREADABLE_PART;
	if (value instanceof Y.Map) {
		const out: Record<string, unknown> = {};
		for (const [key, child] of value.entries()) out[key] = plainValue(child, depth - 1);
		return out;
	}
	if (value instanceof Y.Array) return value.toArray().map((child) => plainValue(child, depth - 1));
	return UNREADABLE_PART;
}

/** A domain rule was broken by the caller: a bug or an unchecked form value. */
export class DomainError extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super(message);
		this.name = 'DomainError';
	}
}

/** Validates input to a write operation, turning valibot issues into one DomainError. */
export function validateInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
	const parsed = v.safeParse(schema, input);
	if (!parsed.success) {
		const issue = parsed.issues[0];
		const field = issue ? v.getDotPath(issue) : null;
		throw new DomainError(
			field ? `invalid_${field}` : 'invalid_input',
			`${field ?? 'input'}: ${issue?.message ?? 'invalid'}`
		);
	}
	return parsed.output;
}
