/**
 * People without the app. A collective of forty workers may have twelve
 * phones: any member can add a person by hand (a name, the day they became a
 * member, a way to reach them). That person is a member like the others: they
 * owe dues, can be named in a show of hands, and can pledge through whoever
 * writes it down.
 *
 * When they get a phone, the person opens an invite like anyone and says
 * "this is me" on the entry made for them: the entry is claimed by their
 * device's member, who stands for it from then on. Nothing is rewritten: the
 * payments, hands and pledges recorded under the entry stay where they are,
 * and the derived views (dues, results) count them for the claimant through
 * `claimsOf`. A claim is recorded in history, as every write is; two phones
 * claiming the same entry while apart end with the claim written last.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { listActivity, recordActivity } from '../core/activity';
import { newId, type MemberId } from '../core/ids';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, MemberSchema, isoDate, membersMap, readEntities, type Member, type ReadResult } from '../core/schema';
import { compareIds } from '../core/order';
import { listMembers, membershipStart } from './space';

const WithoutDeviceInput = v.object({
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80)),
	memberSince: v.nullable(isoDate),
	contact: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200)), '')
});
export type WithoutDeviceInput = v.InferInput<typeof WithoutDeviceInput>;

export type AddWithoutDeviceResult = { ok: true; id: MemberId } | InvalidField;

/** Adds a person who has no device. Anyone with member access may; the history says who did. */
export function addMemberWithoutDevice(doc: Y.Doc, input: WithoutDeviceInput, by: MemberId, now = Date.now()): AddWithoutDeviceResult {
	const checked = checkInput(WithoutDeviceInput, input);
	if (!checked.ok) return checked;
	const { name, memberSince, contact } = checked.value;
	const id = newId<'member'>();
	doc.transact(() => {
		const member = new Y.Map<unknown>();
		member.set('id', id);
		member.set('name', name);
		member.set('joinedAt', now);
		member.set('memberSince', memberSince);
		member.set('addedBy', by);
		member.set('contact', contact);
		membersMap(doc).set(id, member);
		recordActivity(doc, { at: now, by, action: 'member.added', subjectKind: 'member', subjectId: id, summary: name });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

export type ClaimResult =
	| { ok: true }
	/** The entry is gone or unreadable. */
	| Refusal<'member_not_found'>
	/** The entry is a device's own: nobody can claim it. */
	| Refusal<'has_device'>
	/** Someone already said it is them. */
	| Refusal<'already_claimed', { by: MemberId }>
	/** This member already stands for another entry: one person, one entry. */
	| Refusal<'claims_another', { entry: MemberId }>;

/**
 * `me` says the entry `entryId`, added by hand, is them. From then on the
 * entry no longer counts as a member of its own: `me` owes its dues (from the
 * earlier of the two membership dates), and its payments and hands count as
 * theirs.
 */
export function claimMember(doc: Y.Doc, entryId: MemberId, me: MemberId, now = Date.now()): ClaimResult {
	const entries = readEntities(membersMap(doc), MemberSchema).items;
	const entry = entries.find((m) => m.id === entryId);
	const stored = membersMap(doc).get(entryId);
	if (!entry || !(stored instanceof Y.Map)) return { ok: false, reason: 'member_not_found' };
	if (entry.addedBy === null || entryId === me) return { ok: false, reason: 'has_device' };
	if (entry.claimedBy !== null) return { ok: false, reason: 'already_claimed', by: entry.claimedBy };
	const other = entries.find((m) => m.claimedBy === me);
	if (other) return { ok: false, reason: 'claims_another', entry: other.id };
	doc.transact(() => {
		stored.set('claimedBy', me);
		stored.set('claimedAt', now);
		recordActivity(doc, { at: now, by: me, action: 'member.claimed', subjectKind: 'member', subjectId: entryId, summary: entry.name });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

/** Entry added by hand → the member who claimed it, for every claim whose claimant is still a member. */
export function claimsOf(doc: Y.Doc): Map<MemberId, MemberId> {
	return claimsAmong(readEntities(membersMap(doc), MemberSchema).items);
}

/** The same, over members already read. */
export function claimsAmong(members: readonly Member[]): Map<MemberId, MemberId> {
	const ids = new Set(members.map((m) => m.id));
	const claims = new Map<MemberId, MemberId>();
	for (const m of members) {
		// A claimant that is itself an entry added by hand would chain: only a device's member stands for someone.
		const claimant = m.claimedBy;
		if (m.addedBy !== null && claimant !== null && ids.has(claimant) && !members.some((o) => o.id === claimant && o.addedBy !== null)) {
			claims.set(m.id, claimant);
		}
	}
	return claims;
}

/**
 * The day a member's dues start from, once the entries they claimed are
 * counted: the earliest of their own and those entries'.
 */
export function startsWithClaims(members: readonly Member[], claims: ReadonlyMap<MemberId, MemberId>): Map<MemberId, string> {
	const starts = new Map<MemberId, string>();
	for (const m of members) {
		const id = claims.get(m.id) ?? m.id;
		const start = membershipStart(m);
		const known = starts.get(id);
		if (known === undefined || start < known) starts.set(id, start);
	}
	return starts;
}

/** The entries added by hand, claimed or not, in the order they were added. */
export function membersWithoutDevice(members: readonly Member[]): Member[] {
	return members.filter((m) => m.addedBy !== null).sort((a, b) => a.joinedAt - b.joinedAt || compareIds(a.id, b.id));
}

/**
 * The collective's members, each person once: every entry of the member list
 * but those claimed by another member, who stands for them. What counts
 * people (dues, results, the attention list) reads this; what names an entry
 * (history, the ledger) reads every entry.
 */
export function currentMembers(doc: Y.Doc): ReadResult<Member> {
	const { items, unreadable } = listMembers(doc);
	const claims = claimsAmong(items);
	return { items: items.filter((m) => !claims.has(m.id)), unreadable };
}

/** An entry claimed by two phones that had not seen each other's claim: the entry keeps one, the history both. */
export interface DoubleClaim {
	entryId: MemberId;
	/** Every member who claimed it, in the order of their claims. */
	claimants: MemberId[];
	/** The claimant the entry now names; null when the entry has not arrived here. */
	kept: MemberId | null;
	/** The history records of the claims. */
	records: string[];
}

/** Entries claimed by more than one member, from the history: the entry itself keeps only the last claim written. */
export function doubleClaims(doc: Y.Doc): DoubleClaim[] {
	const byEntry = new Map<MemberId, { by: MemberId; id: string; at: number }[]>();
	for (const record of listActivity(doc, { subjectKind: 'member' }).items) {
		if (record.action !== 'member.claimed') continue;
		const entryId = record.subjectId as MemberId;
		const claims = byEntry.get(entryId) ?? [];
		claims.push({ by: record.by, id: record.id, at: record.at });
		byEntry.set(entryId, claims);
	}
	const members = readEntities(membersMap(doc), MemberSchema).items;
	const found: DoubleClaim[] = [];
	for (const [entryId, claims] of byEntry) {
		claims.sort((a, b) => a.at - b.at);
		const claimants = [...new Set(claims.map((c) => c.by))];
		if (claimants.length < 2) continue;
		found.push({ entryId, claimants, kept: members.find((m) => m.id === entryId)?.claimedBy ?? null, records: claims.map((c) => c.id) });
	}
	return found;
}
