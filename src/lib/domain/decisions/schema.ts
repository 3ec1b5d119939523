/**
 * The shape of a decision inside the document. Reading it back is in
 * decision-read.ts.
 *
 * A decision is one Y.Map under its id in `decisionsMap`. Its own fields are
 * set once (title, proposal, process…) or edited field by field; everything
 * several people add to concurrently lives in a nested structure, so that no
 * offline addition is lost in a merge:
 *
 *   comments     Y.Array  appended {id, by, at, text}
 *   positions    Y.Array  appended {id, memberId, choices, reason, at}: a log;
 *                         a member's position is their latest entry
 *   tallies      Y.Map    TallyId → Y.Map (show of hands at a meeting)
 *   allocations  Y.Map    AllocationId → Y.Map (effects if adopted)
 *   closings     Y.Map    ClosingId → {id, outcome, statement, by, at}
 *   executions   Y.Map    AllocationId → {by, at}: effects carried out
 *   resolution   field    {closingId, by, at, seen} once people settle
 *                         which of several closings stands
 *
 * Reading checks each nested entry on its own: one garbage comment is
 * skipped and counted, it does not hide the decision.
 */
import * as v from 'valibot';
import type { BookingTarget } from '../bookings/bookings';
import { MAX_POLL_OPTIONS, ProcessSchema, type Process } from './process';
import type { BudgetLineId, DecisionId, FundId, Id, MemberId, NeedId, ResourceId } from '../core/ids';
import { currencyCode, idString, isoDate, text, timestamp } from '../core/schema';

export type CommentId = Id<'comment'>;
export type PositionId = Id<'position'>;
export type TallyId = Id<'tally'>;
export type AllocationId = Id<'allocation'>;
export type ClosingId = Id<'closing'>;

export const OUTCOMES = ['adopted', 'rejected', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const CoreSchema = v.object({
	id: idString,
	title: v.pipe(text(200), v.minLength(1)),
	proposal: v.optional(text(10_000), ''),
	proposedBy: idString,
	process: ProcessSchema,
	quorum: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0)), 0),
	closesAt: timestamp,
	reviewOn: v.optional(v.nullable(isoDate), null),
	createdAt: timestamp,
	createdBy: idString,
	updatedAt: timestamp,
	updatedBy: idString
});

export const CommentSchema = v.object({ id: idString, by: idString, at: timestamp, text: v.pipe(text(4000), v.minLength(1)) });
export interface Comment {
	id: CommentId;
	by: MemberId;
	at: number;
	text: string;
}

const choiceList = v.pipe(v.array(v.pipe(v.string(), v.maxLength(20))), v.minLength(1), v.maxLength(MAX_POLL_OPTIONS));

export const PositionSchema = v.object({
	id: idString,
	memberId: idString,
	choices: choiceList,
	reason: v.optional(text(2000), ''),
	at: timestamp
});
/** One entry of the positions log. */
export interface Position {
	id: PositionId;
	memberId: MemberId;
	choices: string[];
	reason: string;
	at: number;
}

const HandSchema = v.object({ memberId: idString, choices: choiceList, reason: v.optional(text(2000), '') });
export interface Hand {
	memberId: MemberId;
	choices: string[];
	reason: string;
}

export const TallySchema = v.object({
	id: idString,
	recordedBy: idString,
	at: timestamp,
	note: v.optional(text(2000), ''),
	hands: v.array(HandSchema),
	anonymous: v.record(v.pipe(v.string(), v.maxLength(20)), v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
	voidedAt: v.optional(v.nullable(timestamp), null),
	voidedBy: v.optional(v.nullable(idString), null)
});
/** A show of hands recorded on one device at a meeting. */
export interface Tally {
	id: TallyId;
	recordedBy: MemberId;
	at: number;
	note: string;
	/** Members present, each with what they raised their hand for. */
	hands: Hand[];
	/** Hands of people not in the member list, counted per choice. */
	anonymous: Record<string, number>;
	voidedAt: number | null;
	voidedBy: MemberId | null;
}

const targetSchema = v.variant('kind', [
	v.object({ kind: v.literal('member'), memberId: idString }),
	v.object({ kind: v.literal('collective'), name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)) })
]);

/** What an allocation does once its decision is adopted. Input and stored form alike. */
export const EffectSchema = v.variant('kind', [
	v.object({
		kind: v.literal('money'),
		fundId: idString,
		amount: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
		currency: currencyCode,
		needId: v.optional(v.nullable(idString), null),
		budgetLineId: v.optional(v.nullable(idString), null)
	}),
	v.pipe(
		v.object({
			kind: v.literal('booking'),
			resourceId: idString,
			start: timestamp,
			end: timestamp,
			to: targetSchema,
			note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(1000)), '')
		}),
		v.forward(
			v.check((slot) => slot.end > slot.start, 'must be after start'),
			['end']
		)
	),
	v.object({ kind: v.literal('close_need'), needId: idString })
]);
export type Effect =
	| {
			kind: 'money';
			fundId: FundId;
			amount: number;
			currency: string;
			needId: NeedId | null;
			budgetLineId: BudgetLineId | null;
	  }
	| { kind: 'booking'; resourceId: ResourceId; start: number; end: number; to: BookingTarget; note: string }
	| { kind: 'close_need'; needId: NeedId };

/** An effect as a form declares it: optional fields may be left out. */
export type EffectInput =
	| {
			kind: 'money';
			fundId: FundId;
			amount: number;
			currency: string;
			needId?: NeedId | null;
			budgetLineId?: BudgetLineId | null;
	  }
	| { kind: 'booking'; resourceId: ResourceId; start: number; end: number; to: BookingTarget; note?: string }
	| { kind: 'close_need'; needId: NeedId };

export const AllocationSchema = v.object({
	id: idString,
	effect: EffectSchema,
	declaredBy: idString,
	declaredAt: timestamp,
	/** Its place among the allocations declared together, to keep the proposal's order. */
	seq: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0)), 0),
	withdrawnAt: v.optional(v.nullable(timestamp), null),
	withdrawnBy: v.optional(v.nullable(idString), null)
});
export interface Allocation {
	id: AllocationId;
	effect: Effect;
	declaredBy: MemberId;
	declaredAt: number;
	seq: number;
	withdrawnAt: number | null;
	withdrawnBy: MemberId | null;
}

export const ClosingSchema = v.object({
	id: idString,
	outcome: v.picklist(OUTCOMES),
	statement: v.optional(text(4000), ''),
	by: idString,
	at: timestamp
});
export interface Closing {
	id: ClosingId;
	outcome: Outcome;
	statement: string;
	by: MemberId;
	at: number;
}

export const ExecutionSchema = v.object({ by: idString, at: timestamp });
export const ResolutionSchema = v.object({ closingId: idString, by: idString, at: timestamp, seen: v.array(idString) });
export interface Resolution {
	closingId: ClosingId;
	by: MemberId;
	at: number;
	/** The closings on the resolving device: a closing outside it arrived later and reopens the question. */
	seen: ClosingId[];
}

export type CoreKey = 'id' | 'title' | 'proposal' | 'proposedBy' | 'quorum' | 'closesAt' | 'reviewOn' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy';

export interface Decision {
	id: DecisionId;
	title: string;
	proposal: string;
	proposedBy: MemberId;
	process: Process;
	/** Minimum number of participants for the outcome to stand; 0 for none. */
	quorum: number;
	closesAt: number;
	reviewOn: string | null;
	createdAt: number;
	createdBy: MemberId;
	updatedAt: number;
	updatedBy: MemberId;
	comments: Comment[];
	/** The whole log, oldest first; see `currentPositions` for one per member. */
	positions: Position[];
	tallies: Tally[];
	allocations: Allocation[];
	closings: Closing[];
	executions: Map<AllocationId, { by: MemberId; at: number }>;
	resolution: Resolution | null;
	/** Derived: closed as soon as any device recorded a closing. */
	status: 'open' | 'closed';
	/** Derived: the closing shown as the outcome; see `shownClosing`. */
	closing: Closing | null;
	/** Nested entries (a comment, a position…) that failed their schema and were skipped. */
	unreadableParts: number;
}
