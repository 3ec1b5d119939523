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
import { recordActivity } from '../core/activity';
import { negativeFunds } from '../money/balances';
import { bookingsOfRemovedResources, overlappingBookings } from '../bookings/conflicts';
import type { Booking } from '../bookings/bookings';
import { conflictingClosings } from '../decisions/closings';
import type { MemberId } from '../core/ids';
import { allocatedByNeed } from '../needs/need-funding';
import { isContested } from '../needs/pledge-state';
import { needsOverCap } from '../needs/progress';
import { listPledges } from '../needs/pledges';
import { listResources } from '../inventory/resources';
import { DomainError, LOCAL_ORIGIN, idString, plainValue, resolutionsMap, text, timestamp, validateInput } from '../core/schema';

export const CONFLICT_KINDS = [
	'booking_overlap',
	'negative_fund',
	'over_cap',
	'closing_conflict',
	'removed_resource_booking',
	'removed_resource_pledge',
	'contested_pledge'
] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export interface Conflict {
	/** Stable across replicas: the kind and the subject. */
	key: string;
	kind: ConflictKind;
	/** The entity the conflict is about: a resource, a fund, a need, a decision, a pledge or a booking. */
	subjectId: string;
	/** Every entity involved, sorted: what an acknowledgement covers. */
	involved: string[];
	/** Bookings involved, for the kinds about bookings. */
	bookings: Booking[];
	/** A number worth showing: the amount below zero, the amount over the cap. */
	amount: number | null;
	acknowledgement: Acknowledgement | null;
}

export interface Acknowledgement {
	by: MemberId;
	at: number;
	note: string;
}

const AcknowledgementSchema = v.object({
	key: v.pipe(v.string(), v.maxLength(300)),
	involved: v.array(v.pipe(v.string(), v.maxLength(128))),
	by: idString,
	at: timestamp,
	note: text(500)
});

/** Every conflict in the space, open ones and acknowledged ones, in a stable order. */
export function listConflicts(doc: Y.Doc, today: string): Conflict[] {
	const found: Omit<Conflict, 'acknowledgement'>[] = [];
	const add = (kind: ConflictKind, subjectId: string, involved: string[], extra: Partial<Conflict> = {}) =>
		found.push({ key: `${kind}:${subjectId}`, kind, subjectId, involved: [...involved].sort(), bookings: [], amount: null, ...extra });

	for (const group of overlappingBookings(doc)) {
		const first = group.bookings[0]!;
		add('booking_overlap', `${group.resourceId}:${first.id}`, group.bookings.map((b) => b.id), { bookings: group.bookings });
	}
	for (const { fund, balance, entries } of negativeFunds(doc)) {
		add('negative_fund', fund.id, entries.map((e) => e.id), { amount: balance });
	}
	for (const overflow of needsOverCap(doc, today, allocatedByNeed(doc))) {
		add('over_cap', overflow.needId, overflow.pledges.map((p) => p.id), { amount: overflow.over });
	}
	for (const closing of conflictingClosings(doc)) {
		add('closing_conflict', closing.decisionId, closing.closings.map((c) => c.id));
	}
	for (const booking of bookingsOfRemovedResources(doc)) {
		add('removed_resource_booking', booking.id, [booking.id, booking.resourceId], { bookings: [booking] });
	}
	const removed = new Set(listResources(doc, { removed: true }).items.map((r) => r.id));
	for (const pledge of listPledges(doc).items) {
		if (pledge.resourceId && removed.has(pledge.resourceId) && pledge.withdrawnAt === null && pledge.deliveredAt === null) {
			add('removed_resource_pledge', pledge.id, [pledge.id, pledge.resourceId]);
		}
		if (isContested(pledge)) {
			add('contested_pledge', pledge.id, [pledge.id]);
		}
	}

	const acknowledgements = readAcknowledgements(doc);
	return found
		.map((conflict) => ({ ...conflict, acknowledgement: covering(acknowledgements.get(conflict.key), conflict.involved) }))
		.sort((a, b) => CONFLICT_KINDS.indexOf(a.kind) - CONFLICT_KINDS.indexOf(b.kind) || (a.key < b.key ? -1 : 1));
}

export function openConflicts(doc: Y.Doc, today: string): Conflict[] {
	return listConflicts(doc, today).filter((c) => c.acknowledgement === null);
}

const AcknowledgeInput = v.object({ note: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)) });

/**
 * Someone looked at the conflict and the collective keeps both sides (the
 * treasurer will cover the gap, the two groups will share the room). The note
 * says why; the record covers exactly the entities seen.
 */
export function acknowledgeConflict(doc: Y.Doc, conflict: Conflict, note: string, by: MemberId, now = Date.now()): void {
	const input = validateInput(AcknowledgeInput, { note });
	if (conflict.involved.length === 0) throw new DomainError('invalid_conflict', 'conflict without entities');
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
	return { by: ack.by as MemberId, at: ack.at, note: ack.note };
}

