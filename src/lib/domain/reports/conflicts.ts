/**
 * Convergence is not consistency: after offline edits merge, the document can
 * hold situations no single device would have allowed — a room confirmed twice
 * for the same hour, a cash box spent below zero, pledges past a cap, a decision
 * closed twice with different outcomes, a booking or pledge of a removed item.
 * This module finds them, with both sides kept, for people to resolve.
 *
 * A conflict disappears when the data stops conflicting (a booking cancelled, a
 * pledge withdrawn) or when someone acknowledges it with a note. An
 * acknowledgement covers the conflict as it was seen: if more entries join it
 * later, it opens again.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity, type Activity } from '../core/activity';
import { outsideRoleGroups } from '../decisions/roles';
import { doubleClaims } from '../space/without-device';
import type { Role } from '../decisions/schema';
import { derivedViews } from '../core/derived';
import { negativeFunds } from '../money/balances';
import { bookingsOfRemovedResources, overlappingBookings } from '../bookings/conflicts';
import type { Booking } from '../bookings/bookings';
import { conflictingClosings } from '../decisions/closings';
import type { BookingId, DecisionId, FundId, MemberId, NeedId, PledgeId, ResourceId } from '../core/ids';
import { compareIds } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { allocatedByNeed } from '../needs/need-funding';
import { isContested } from '../needs/pledge-state';
import { needsOverCap } from '../needs/progress';
import { listPledges } from '../needs/pledges';
import { listResources } from '../inventory/resources';
import { editConflicts, type ConflictingValue } from '../core/revisions';
import { isSettleable, type EditedField } from './edit-conflicts';
import { entityId, LOCAL_ORIGIN, plainValue, resolutionsMap, text, timestamp } from '../core/schema';
import { unconfirmedDeliveries, type UnconfirmedDelivery } from '../federation/deliveries';
import { readAlerts } from '../federation/alerts';

export const CONFLICT_KINDS = [
	'booking_overlap',
	'negative_fund',
	'over_cap',
	'closing_conflict',
	'removed_resource_booking',
	'removed_resource_pledge',
	'contested_pledge',
	'edit_conflict',
	'delivery_unconfirmed',
	'unverified_record',
	'outside_role',
	'claimed_twice'
] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

interface ConflictBase {
	/** Stable across replicas: the kind and the subject. */
	key: string;
	/** Every entity involved, sorted: what an acknowledgement covers. */
	involved: string[];
	/** Bookings involved, for the kinds about bookings; empty for the others. */
	bookings: Booking[];
	acknowledgement: Acknowledgement | null;
}

/** What each kind of conflict is about, typed: its subject and what a page needs to act on it. */
export type ConflictSubject =
	/** Subject: the resource and the group's first booking, joined. */
	| { kind: 'booking_overlap'; subjectId: string; resourceId: ResourceId }
	/** `amount`: the balance below zero, in the fund's currency. */
	| { kind: 'negative_fund'; subjectId: FundId; amount: number }
	/** `amount`: how far past the cap, in the need's unit. */
	| { kind: 'over_cap'; subjectId: NeedId; amount: number }
	| { kind: 'closing_conflict'; subjectId: DecisionId }
	| { kind: 'removed_resource_booking'; subjectId: BookingId; resourceId: ResourceId }
	| { kind: 'removed_resource_pledge'; subjectId: PledgeId; needId: NeedId; resourceId: ResourceId }
	| { kind: 'contested_pledge'; subjectId: PledgeId; needId: NeedId }
	/** Subject: `<entity kind>:<entity>:<field>`; `values`: each value kept, with its writer (core/revisions.ts). */
	| { kind: 'edit_conflict'; subjectId: string; edited: EditedField; values: ConflictingValue[] }
	/** A pledge between collectives sent 14 days ago or more and not confirmed; `side`: whether this collective sent it or is said to have received it. */
	| { kind: 'delivery_unconfirmed'; subjectId: string; delivery: UnconfirmedDelivery }
	/** A federation record concerning this collective whose signature fails: where it was seen, never what it says. */
	| { kind: 'unverified_record'; subjectId: string; federation: string; seenOn: string }
	/**
	 * Subject: `<role>:<member>`, the actions a role usually takes that this member took without it
	 * (decisions/roles.ts), newest first; a new one reopens the review.
	 */
	| { kind: 'outside_role'; subjectId: string; role: Role; by: MemberId; actions: Activity[]; holders: MemberId[] }
	/** Subject: an entry added by hand that two phones claimed apart; the entry names one (`kept`), the history both. */
	| { kind: 'claimed_twice'; subjectId: MemberId; claimants: MemberId[]; kept: MemberId | null };

export type Conflict = ConflictBase & ConflictSubject;
/** A conflict of one kind. */
export type ConflictOf<K extends ConflictKind> = Extract<Conflict, { kind: K }>;

export interface Acknowledgement {
	by: MemberId;
	at: number;
	note: string;
}

const AcknowledgementSchema = v.object({
	key: v.pipe(v.string(), v.maxLength(300)),
	involved: v.array(v.pipe(v.string(), v.maxLength(128))),
	by: entityId<'member'>(),
	at: timestamp,
	note: text(500)
});

/** A conflict before its acknowledgement is looked up. */
interface Found {
	subject: ConflictSubject;
	involved: readonly string[];
	bookings: Booking[];
}

/**
 * The conflicts of one kind or two, from the collections they read: each
 * part is kept until one of those changes, so adding a resource does not
 * recount the ledger's balances or the needs' caps.
 */
const PARTS: { name: string; find: (doc: Y.Doc, today: string) => Found[]; byDay?: boolean }[] = [
	{
		name: 'overlaps',
		find: (doc) =>
			overlappingBookings(doc).map((group) => {
				const first = group.bookings[0]!;
				return {
					subject: { kind: 'booking_overlap', subjectId: `${group.resourceId}:${first.id}`, resourceId: group.resourceId },
					involved: group.bookings.map((b) => b.id),
					bookings: group.bookings
				};
			})
	},
	{
		name: 'negative',
		find: (doc) =>
			negativeFunds(doc).map(({ fund, balance, entries }) => ({
				subject: { kind: 'negative_fund', subjectId: fund.id, amount: balance },
				involved: entries.map((e) => e.id),
				bookings: []
			}))
	},
	{
		name: 'caps',
		byDay: true,
		find: (doc, today) =>
			needsOverCap(doc, today, allocatedByNeed(doc)).map((overflow) => ({
				subject: { kind: 'over_cap', subjectId: overflow.needId, amount: overflow.over },
				involved: overflow.pledges.map((p) => p.id),
				bookings: []
			}))
	},
	{
		name: 'closings',
		find: (doc) =>
			conflictingClosings(doc).map((closing) => ({
				subject: { kind: 'closing_conflict', subjectId: closing.decisionId },
				involved: closing.closings.map((c) => c.id),
				bookings: []
			}))
	},
	{
		name: 'removed',
		find: (doc) => {
			const found: Found[] = bookingsOfRemovedResources(doc).map((booking) => ({
				subject: { kind: 'removed_resource_booking', subjectId: booking.id, resourceId: booking.resourceId },
				involved: [booking.id, booking.resourceId],
				bookings: [booking]
			}));
			const removed = new Set(listResources(doc, { removed: true }).items.map((r) => r.id));
			for (const pledge of listPledges(doc).items) {
				if (pledge.resourceId && removed.has(pledge.resourceId) && pledge.withdrawnAt === null && pledge.deliveredAt === null) {
					found.push({
						subject: { kind: 'removed_resource_pledge', subjectId: pledge.id, needId: pledge.needId, resourceId: pledge.resourceId },
						involved: [pledge.id, pledge.resourceId],
						bookings: []
					});
				}
			}
			return found;
		}
	},
	{
		name: 'contested',
		find: (doc) =>
			listPledges(doc)
				.items.filter(isContested)
				.map((pledge) => ({ subject: { kind: 'contested_pledge', subjectId: pledge.id, needId: pledge.needId }, involved: [pledge.id], bookings: [] }))
	},
	{
		name: 'federations',
		byDay: true,
		find: (doc, today) => [
			...unconfirmedDeliveries(doc, today).map((delivery): Found => ({
				subject: { kind: 'delivery_unconfirmed', subjectId: `${delivery.side}:${delivery.id}`, delivery },
				involved: [delivery.id],
				bookings: []
			})),
			...readAlerts(doc).map((alert): Found => ({
				subject: { kind: 'unverified_record', subjectId: alert.id, federation: alert.federation, seenOn: alert.seenOn },
				involved: [alert.id],
				bookings: []
			}))
		]
	},
	{
		name: 'roles',
		find: (doc) =>
			outsideRoleGroups(doc).map(({ role, by, actions, holders }) => ({
				subject: { kind: 'outside_role', subjectId: `${role}:${by}`, role, by, actions, holders },
				involved: actions.map((a) => a.id),
				bookings: []
			}))
	},
	{
		name: 'claims',
		find: (doc) =>
			doubleClaims(doc).map(({ entryId, claimants, kept, records }) => ({
				subject: { kind: 'claimed_twice', subjectId: entryId, claimants, kept },
				involved: records,
				bookings: []
			}))
	},
	{
		// Reads the revisions through their index, and only the entities in conflict: no collection is read whole.
		name: 'edits',
		find: (doc) =>
			editConflicts(doc)
				.filter((edit) => isSettleable(doc, edit))
				.map(({ kind, entity, field, values }) => ({
					subject: { kind: 'edit_conflict', subjectId: `${kind}:${entity}:${field}`, edited: { kind, entity, field }, values },
					involved: values.map((value) => value.revision),
					bookings: []
				}))
	}
];

/** Every conflict in the space, open ones and acknowledged ones, in a stable order. */
export function listConflicts(doc: Y.Doc, today: string): Conflict[] {
	const acknowledgements = readAcknowledgements(doc);
	const found: Conflict[] = [];
	for (const part of PARTS) {
		const key = part.byDay ? `conflicts:${part.name}:${today}` : `conflicts:${part.name}`;
		for (const { subject, involved, bookings } of derivedViews(doc).get(key, () => part.find(doc, today))) {
			const conflictKey = `${subject.kind}:${subject.subjectId}`;
			const sorted = [...involved].sort(compareIds);
			found.push({ ...subject, key: conflictKey, involved: sorted, bookings, acknowledgement: covering(acknowledgements.get(conflictKey), sorted) });
		}
	}
	return found.sort((a, b) => CONFLICT_KINDS.indexOf(a.kind) - CONFLICT_KINDS.indexOf(b.kind) || compareIds(a.key, b.key));
}

export function openConflicts(doc: Y.Doc, today: string): Conflict[] {
	return listConflicts(doc, today).filter((c) => c.acknowledgement === null);
}

const AcknowledgeInput = v.object({ note: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)) });

export type AcknowledgeResult = { ok: true } | InvalidField | Refusal<'already_acknowledged'>;

/**
 * Someone looked at the conflict and the collective keeps both sides (the
 * treasurer will cover the gap, the two groups will share the room). The note
 * says why; the record covers exactly the entities seen. When someone else's
 * acknowledgement already covers them, the first note stays.
 */
export function acknowledgeConflict(doc: Y.Doc, conflict: Conflict, note: string, by: MemberId, now = Date.now()): AcknowledgeResult {
	const checked = checkInput(AcknowledgeInput, { note });
	if (!checked.ok) return checked;
	const input = checked.value;
	// Every kind names at least one entity: a conflict without one is not from listConflicts.
	if (conflict.involved.length === 0) throw new Error('a conflict without entities cannot be acknowledged');
	if (covering(readAcknowledgements(doc).get(conflict.key), conflict.involved)) return { ok: false, reason: 'already_acknowledged' };
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		entry.set('key', conflict.key);
		entry.set('involved', conflict.involved);
		entry.set('by', by);
		entry.set('at', now);
		entry.set('note', input.note);
		resolutionsMap(doc).set(conflict.key, entry);
		recordActivity(doc, { at: now, by, action: 'conflict.acknowledged', subjectKind: 'conflict', subjectId: conflict.key, summary: input.note });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

function readAcknowledgements(doc: Y.Doc): Map<string, v.InferOutput<typeof AcknowledgementSchema>> {
	const result = new Map<string, v.InferOutput<typeof AcknowledgementSchema>>();
	for (const [key, value] of resolutionsMap(doc).entries()) {
		if (!(value instanceof Y.Map)) continue;
		const parsed = v.safeParse(AcknowledgementSchema, plainValue(value));
		if (parsed.success && parsed.output.key === key) result.set(key, parsed.output);
	}
	return result;
}

/** An acknowledgement counts only if it saw every entity now involved. */
function covering(
	ack: v.InferOutput<typeof AcknowledgementSchema> | undefined,
	involved: readonly string[]
): Acknowledgement | null {
	if (!ack) return null;
	const seen = new Set(ack.involved);
	if (!involved.every((id) => seen.has(id))) return null;
	return { by: ack.by, at: ack.at, note: ack.note };
}

