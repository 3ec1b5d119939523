/**
 * What a collective decides to show its federations, written in its own
 * document: a profile, and for each inventory item or need put forward, the
 * fields that may leave (nothing is public unless named here). The bridge
 * (bridge.ts) turns these marks into signed copies in each federation.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import type { NeedId, ResourceId } from '../core/ids';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, plainValue } from '../core/schema';
import { getResource } from '../inventory/resources';
import { getNeed } from '../needs/needs';
import {
	NEED_PUBLIC_FIELDS,
	NeedMarkSchema,
	PROFILE_KEY,
	ProfileFieldsSchema,
	RESOURCE_PUBLIC_FIELDS,
	ResourceMarkSchema,
	markKey,
	publicationsMap,
	type NeedMark,
	type NeedPublicField,
	type ProfileFields,
	type ResourceMark,
	type ResourcePublicField
} from './schema';

export type PublishResult = { ok: true; changed: boolean } | InvalidField | Refusal<'resource_not_found' | 'need_not_found'>;

const trimmedText = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max));
const ProfileInput = v.object({
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	description: v.optional(trimmedText(2000), ''),
	area: v.optional(trimmedText(120), ''),
	contact: v.optional(trimmedText(200), '')
});
export type ProfileInput = v.InferInput<typeof ProfileInput>;

const fieldList = <T extends string>(choices: readonly T[]) =>
	v.pipe(
		v.array(v.picklist(choices)),
		v.minLength(1),
		// One order whatever order the boxes were ticked in: the same choice is the same mark.
		v.transform((fields) => choices.filter((field) => fields.includes(field)))
	);
const ResourcePublishInput = v.object({ fields: fieldList(RESOURCE_PUBLIC_FIELDS), area: v.optional(trimmedText(120), '') });
const NeedPublishInput = v.object({ fields: fieldList(NEED_PUBLIC_FIELDS), area: v.optional(trimmedText(120), '') });
export type ResourcePublishInput = { fields: ResourcePublicField[]; area?: string };
export type NeedPublishInput = { fields: NeedPublicField[]; area?: string };

function sameValue(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

function setMark(doc: Y.Doc, key: string, mark: ResourceMark | NeedMark | ProfileFields): boolean {
	const map = publicationsMap(doc);
	if (sameValue(plainValue(map.get(key)), mark)) return false;
	doc.transact(() => map.set(key, mark), LOCAL_ORIGIN);
	return true;
}

/** The profile the collective shows in every federation it belongs to. */
export function setFederationProfile(doc: Y.Doc, input: ProfileInput): PublishResult {
	const checked = checkInput(ProfileInput, input);
	if (!checked.ok) return checked;
	return { ok: true, changed: setMark(doc, PROFILE_KEY, checked.value) };
}

export function readFederationProfile(doc: Y.Doc): ProfileFields | null {
	const parsed = v.safeParse(ProfileFieldsSchema, plainValue(publicationsMap(doc).get(PROFILE_KEY)));
	return parsed.success ? parsed.output : null;
}

/** Offers an inventory item to other collectives, showing only `fields`. Publishing again with other fields replaces them. */
export function publishResource(doc: Y.Doc, id: ResourceId, input: ResourcePublishInput): PublishResult {
	const checked = checkInput(ResourcePublishInput, input);
	if (!checked.ok) return checked;
	if (!getResource(doc, id)) return { ok: false, reason: 'resource_not_found' };
	return { ok: true, changed: setMark(doc, markKey('resource', id), { published: true, ...checked.value }) };
}

/** Opens a need to other collectives, showing only `fields`. */
export function publishNeed(doc: Y.Doc, id: NeedId, input: NeedPublishInput): PublishResult {
	const checked = checkInput(NeedPublishInput, input);
	if (!checked.ok) return checked;
	if (!getNeed(doc, id)) return { ok: false, reason: 'need_not_found' };
	return { ok: true, changed: setMark(doc, markKey('need', id), { published: true, ...checked.value }) };
}

function unpublish(doc: Y.Doc, key: string): PublishResult {
	const map = publicationsMap(doc);
	const current = plainValue(map.get(key));
	const parsed = v.safeParse(v.union([ResourceMarkSchema, NeedMarkSchema]), current);
	if (!parsed.success || !parsed.output.published) return { ok: true, changed: false };
	// Replaced, not deleted: a delete leaves no write a copy's revision could name.
	return { ok: true, changed: setMark(doc, key, { ...parsed.output, published: false } as ResourceMark | NeedMark) };
}

export function unpublishResource(doc: Y.Doc, id: ResourceId): PublishResult {
	return unpublish(doc, markKey('resource', id));
}

export function unpublishNeed(doc: Y.Doc, id: NeedId): PublishResult {
	return unpublish(doc, markKey('need', id));
}

export function readResourceMark(doc: Y.Doc, id: ResourceId): ResourceMark | null {
	const parsed = v.safeParse(ResourceMarkSchema, plainValue(publicationsMap(doc).get(markKey('resource', id))));
	return parsed.success ? parsed.output : null;
}

export function readNeedMark(doc: Y.Doc, id: NeedId): NeedMark | null {
	const parsed = v.safeParse(NeedMarkSchema, plainValue(publicationsMap(doc).get(markKey('need', id))));
	return parsed.success ? parsed.output : null;
}

export interface Publications {
	resources: Array<{ id: ResourceId; mark: ResourceMark }>;
	needs: Array<{ id: NeedId; mark: NeedMark }>;
}

/** Everything the collective has published and not taken back, read from the marks only (never the whole inventory). */
export function listPublications(doc: Y.Doc): Publications {
	const out: Publications = { resources: [], needs: [] };
	for (const [key, raw] of publicationsMap(doc).entries()) {
		const dot = key.indexOf('.');
		const type = key.slice(0, dot);
		const id = key.slice(dot + 1);
		if (type === 'resource') {
			const mark = v.safeParse(ResourceMarkSchema, plainValue(raw));
			if (mark.success && mark.output.published) out.resources.push({ id: id as ResourceId, mark: mark.output });
		} else if (type === 'need') {
			const mark = v.safeParse(NeedMarkSchema, plainValue(raw));
			if (mark.success && mark.output.published) out.needs.push({ id: id as NeedId, mark: mark.output });
		}
	}
	return out;
}
