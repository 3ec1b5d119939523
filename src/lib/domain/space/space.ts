/** The space itself: its name and description, and who belongs to it. */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import type { MemberId } from '../core/ids';
import { compareIds } from '../core/order';
import { checkInput, type Checked, type InvalidField, type Refusal } from '../core/refusals';
import {
	LOCAL_ORIGIN,
	MemberSchema,
	isoDate,
	SpaceMetaSchema,
	membersMap,
	metaMap,
	plainValue,
	readEntities,
	type Member,
	type ReadResult,
	type SpaceMeta
} from '../core/schema';

const SpaceInput = v.object({
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)), '')
});
export type SpaceInput = v.InferInput<typeof SpaceInput>;

const MemberName = v.object({ name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80)) });

export type SpaceResult = { ok: true; changed: boolean } | InvalidField;

/** What a form may send as the space's name and description, checked as the write will check it. */
export function checkSpaceInput(input: SpaceInput): Checked<v.InferOutput<typeof SpaceInput>> {
	return checkInput(SpaceInput, input);
}

/** A member's name as typed, checked as joining will check it; a refusal names the field `name`. */
export function checkMemberName(name: string): Checked<string> {
	const checked = checkInput(MemberName, { name });
	return checked.ok ? { ok: true, value: checked.value.name } : checked;
}

/**
 * Fills a brand-new space's meta. Call it only on a document that has loaded
 * its local copy and found no meta, so that defaults are never written twice.
 */
export function createSpace(doc: Y.Doc, input: SpaceInput, by: MemberId, now = Date.now()): SpaceResult {
	const checked = checkSpaceInput(input);
	if (!checked.ok) return checked;
	const { name, description } = checked.value;
	doc.transact(() => {
		const meta = metaMap(doc);
		meta.set('name', name);
		meta.set('description', description);
		meta.set('kind', 'collective');
		meta.set('createdAt', now);
		meta.set('createdBy', by);
		recordActivity(doc, { at: now, by, action: 'space.created', subjectKind: 'space', subjectId: 'meta', summary: name });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

export function editSpace(doc: Y.Doc, input: SpaceInput, by: MemberId, now = Date.now()): SpaceResult {
	const checked = checkSpaceInput(input);
	if (!checked.ok) return checked;
	const { name, description } = checked.value;
	const meta = metaMap(doc);
	if (meta.get('name') === name && meta.get('description') === description) return { ok: true, changed: false };
	const changes: FieldChange[] = [];
	if (meta.get('name') !== name) changes.push({ field: 'name', from: meta.get('name') ?? null, to: name });
	if (meta.get('description') !== description) changes.push({ field: 'description', from: meta.get('description') ?? null, to: description });
	doc.transact(() => {
		for (const { field, to } of changes) meta.set(field, to);
		recordEdits(doc, 'space', 'meta', changes, by, now);
		recordActivity(doc, { at: now, by, action: 'space.edited', subjectKind: 'space', subjectId: 'meta', summary: name, changes });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

/** The space's meta, or null while it has not arrived (a fresh join before sync) or is unreadable. */
export function readSpaceMeta(doc: Y.Doc): SpaceMeta | null {
	// Field by field, and only the known ones: every page reads the meta, so a
	// hostile value under one key must not hide the space's name with it.
	const meta = metaMap(doc);
	const fields: Record<string, unknown> = {};
	for (const [key, schema] of Object.entries(SpaceMetaSchema.entries)) {
		const parsed = v.safeParse(schema, plainValue(meta.get(key)));
		// An optional field that does not read falls back to its default.
		fields[key] = parsed.success ? parsed.output : v.getDefault(schema);
	}
	const parsed = v.safeParse(SpaceMetaSchema, fields);
	return parsed.success ? parsed.output : null;
}

/** Adds the member, or renames them if their name changed. Idempotent. */
export function joinSpace(doc: Y.Doc, id: MemberId, name: string, now = Date.now()): SpaceResult {
	const checked = checkMemberName(name);
	if (!checked.ok) return checked;
	const cleanName = checked.value;
	const members = membersMap(doc);
	const existing = members.get(id);
	if (existing instanceof Y.Map && existing.get('name') === cleanName) return { ok: true, changed: false };
	doc.transact(() => {
		if (existing instanceof Y.Map) {
			existing.set('name', cleanName);
			return;
		}
		const member = new Y.Map<unknown>();
		member.set('id', id);
		member.set('name', cleanName);
		member.set('joinedAt', now);
		members.set(id, member);
		recordActivity(doc, { at: now, by: id, action: 'member.joined', subjectKind: 'member', subjectId: id, summary: cleanName });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

export function listMembers(doc: Y.Doc): ReadResult<Member> {
	const { items, unreadable } = readEntities(membersMap(doc), MemberSchema);
	const members = items.sort((a, b) => a.joinedAt - b.joinedAt || compareIds(a.id, b.id));
	return { items: members, unreadable };
}

/** A member's name as the schema reads it: bounded, without direction controls; null when it does not read. */
export function memberName(doc: Y.Doc, id: string): string | null {
	const member = membersMap(doc).get(id);
	const parsed = v.safeParse(MemberSchema.entries.name, member instanceof Y.Map ? member.get('name') : undefined);
	return parsed.success ? parsed.output : null;
}

const MemberSinceInput = v.object({ memberSince: v.nullable(isoDate) });

export type MemberSinceResult = { ok: true; changed: boolean } | InvalidField | Refusal<'member_not_found'>;

/**
 * Sets the day a person became a member, or clears it (null). The device's
 * joining day is only when the app was installed: someone who has belonged
 * for years, or who joins on paper a month before installing, has their dues
 * counted from this date instead. Any member may set it, for themselves or
 * for another, and the history says who did and what it was before.
 */
export function setMemberSince(doc: Y.Doc, memberId: MemberId, memberSince: string | null, by: MemberId, now = Date.now()): MemberSinceResult {
	const checked = checkInput(MemberSinceInput, { memberSince });
	if (!checked.ok) return checked;
	const member = membersMap(doc).get(memberId);
	if (!(member instanceof Y.Map)) return { ok: false, reason: 'member_not_found' };
	const before = member.get('memberSince') ?? null;
	const date = checked.value.memberSince;
	if (before === date) return { ok: true, changed: false };
	doc.transact(() => {
		member.set('memberSince', date);
		recordActivity(doc, {
			at: now,
			by,
			action: 'member.since_set',
			subjectKind: 'member',
			subjectId: memberId,
			summary: memberName(doc, memberId) ?? '',
			changes: [{ field: 'memberSince', from: before, to: date }]
		});
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

/** The day a member's dues may start from: the date set for them, else the day their device joined (UTC). */
export function membershipStart(member: Pick<Member, 'joinedAt' | 'memberSince'>): string {
	return member.memberSince ?? new Date(member.joinedAt).toISOString().slice(0, 10);
}
