/**
 * What federations add to documents.
 *
 * In a collective's own document:
 *   publications  Y.Map   'profile' → the collective's profile for its federations;
 *                         'resource.<id>' | 'need.<id>' → what of that item is public
 *   federations   Y.Map   federation space id → how to read it (memberships.ts)
 *
 * In a federation's document (a space whose meta kind is 'federation'):
 *   directory     Y.Map   CollectiveId → signed profile record
 *   copies        Y.Map   '<collective>.<offer|need>.<source id>' → signed copy record
 *
 * Exchanges between collectives, shaped by the same rules (one writer
 * collective per record, signed, keys derived so that two devices write the
 * same one), live in their own modules: requests to borrow and their
 * responses (requests.ts), pledges (pledges.ts), admission positions and the
 * federation's charter (admission.ts). A collective's own document keeps its
 * outbox of requests and pledges made offline until a delegate's device
 * carries them, and what it was answered.
 *
 * Every value here is a plain record, never a Y.Map: a record has exactly one
 * writer collective and is signed as a whole, so two edits must never merge
 * field by field into something nobody signed. A publication mark is plain too,
 * and is replaced, never deleted, so that unpublishing leaves a newer write
 * behind it (see bridge.ts on revisions).
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { opened } from '../core/derived';
import { AVAILABILITIES, RESOURCE_KINDS, idString, isoDate, text } from '../core/schema';
import { NEED_KINDS } from '../needs/needs';
import type { CollectiveId } from './identity';

export function publicationsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('publications'));
}
export function federationsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('federations'));
}
export function directoryMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('directory'));
}
export function copiesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('copies'));
}

/** The version of every record format below; a reader skips and counts what it does not know. */
export const RECORD_VERSION = 1;

export const RESOURCE_PUBLIC_FIELDS = ['name', 'kind', 'description', 'quantity', 'area', 'availability'] as const;
export type ResourcePublicField = (typeof RESOURCE_PUBLIC_FIELDS)[number];
export const NEED_PUBLIC_FIELDS = ['title', 'kind', 'description', 'target', 'deadline', 'area'] as const;
export type NeedPublicField = (typeof NEED_PUBLIC_FIELDS)[number];

export type SourceType = 'resource' | 'need';
export type CopyType = 'offer' | 'need';

const area = text(120);
export const ProfileFieldsSchema = v.object({
	name: v.pipe(text(120), v.minLength(1)),
	description: v.optional(text(2000), ''),
	area: v.optional(area, ''),
	contact: v.optional(text(200), '')
});
export type ProfileFields = v.InferOutput<typeof ProfileFieldsSchema>;

export const ResourceMarkSchema = v.object({
	published: v.boolean(),
	fields: v.pipe(v.array(v.picklist(RESOURCE_PUBLIC_FIELDS)), v.maxLength(RESOURCE_PUBLIC_FIELDS.length)),
	/** The area said in public, typed for it: never the item's own location, which may be a home. */
	area: v.optional(area, '')
});
export type ResourceMark = v.InferOutput<typeof ResourceMarkSchema>;

export const NeedMarkSchema = v.object({
	published: v.boolean(),
	fields: v.pipe(v.array(v.picklist(NEED_PUBLIC_FIELDS)), v.maxLength(NEED_PUBLIC_FIELDS.length)),
	area: v.optional(area, '')
});
export type NeedMark = v.InferOutput<typeof NeedMarkSchema>;

/**
 * A source's revision: for each Yjs client that wrote it, the highest clock
 * among the writes that make its current state, sorted by client. A device
 * whose document holds all of them has seen everything the copy was made from.
 */
const revision = v.pipe(
	v.array(v.tuple([v.pipe(v.number(), v.safeInteger(), v.minValue(0)), v.pipe(v.number(), v.safeInteger(), v.minValue(0))])),
	v.maxLength(256)
);
export type Revision = v.InferOutput<typeof revision>;

const collectiveId = v.custom<CollectiveId>((value) => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value), 'not a collective id');
const base64url = (length: number) => v.pipe(v.string(), v.regex(new RegExp(`^[A-Za-z0-9_-]{${length}}$`)));
const signature = base64url(86);

export const ProfileRecordSchema = v.object({
	v: v.literal(RECORD_VERSION),
	collective: collectiveId,
	publicKey: base64url(43),
	rev: revision,
	hash: base64url(43),
	profile: ProfileFieldsSchema,
	/** The collective left the federation; absent while it belongs. */
	left: v.optional(v.literal(true)),
	sig: signature
});
export type ProfileRecord = v.InferOutput<typeof ProfileRecordSchema>;

export const OfferPublicSchema = v.object({
	name: v.optional(v.pipe(text(120), v.minLength(1))),
	kind: v.optional(v.picklist(RESOURCE_KINDS)),
	description: v.optional(text(2000)),
	quantity: v.optional(v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0)))),
	unit: v.optional(text(30)),
	area: v.optional(area),
	availability: v.optional(v.picklist(AVAILABILITIES))
});
export type OfferPublic = v.InferOutput<typeof OfferPublicSchema>;

export const NeedPublicSchema = v.object({
	title: v.optional(v.pipe(text(120), v.minLength(1))),
	kind: v.optional(v.picklist(NEED_KINDS)),
	description: v.optional(text(2000)),
	target: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
	unit: v.optional(text(30)),
	deadline: v.optional(v.nullable(isoDate)),
	area: v.optional(area)
});
export type NeedPublic = v.InferOutput<typeof NeedPublicSchema>;

const copyBase = {
	v: v.literal(RECORD_VERSION),
	collective: collectiveId,
	source: idString,
	rev: revision,
	hash: base64url(43),
	sig: signature
};

/** A withdrawn copy keeps its key and says nothing more: its source was removed or unpublished. */
export const CopyRecordSchema = v.variant('withdrawn', [
	v.object({ ...copyBase, type: v.picklist(['offer', 'need']), withdrawn: v.literal(true), public: v.null() }),
	v.variant('type', [
		v.object({ ...copyBase, type: v.literal('offer'), withdrawn: v.literal(false), public: OfferPublicSchema }),
		v.object({ ...copyBase, type: v.literal('need'), withdrawn: v.literal(false), public: NeedPublicSchema })
	])
]);
export type CopyRecord = v.InferOutput<typeof CopyRecordSchema>;

export function copyKey(collective: CollectiveId, type: CopyType, source: string): string {
	return `${collective}.${type}.${source}`;
}

export function markKey(type: SourceType, id: string): string {
	return `${type}.${id}`;
}

export const PROFILE_KEY = 'profile';
