/**
 * The shape of a decision inside the document. Reading it back is in
 * read.ts.
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
import { MAX_POLL_OPTIONS, ProcessSchema } from './process';
import type { Id } from '../core/ids';
import { currencyCode, entityId, isoDate, text, timestamp } from '../core/schema';

export type CommentId = Id<'comment'>;
export type PositionId = Id<'position'>;
export type TallyId = Id<'tally'>;
export type AllocationId = Id<'allocation'>;
export type ClosingId = Id<'closing'>;

export const OUTCOMES = ['adopted', 'rejected', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const member = entityId<'member'>();

/** What a collective can ask some of its members to do for it (see roles.ts). */
export const ROLES = ['treasurer', 'closer', 'keeper'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_CHANGES = ['grant', 'revoke'] as const;
export type RoleChange = (typeof ROLE_CHANGES)[number];

/** A decision's own fields, set once or edited field by field. */
export const CoreSchema = v.object({
	id: entityId<'decision'>(),
	title: v.pipe(text(200), v.minLength(1)),
	proposal: v.optional(text(10_000), ''),
	proposedBy: member,
	process: ProcessSchema,
	/** Minimum number of participants for the outcome to stand; 0 for none. */
	quorum: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0)), 0),
	closesAt: timestamp,
	reviewOn: v.optional(v.nullable(isoDate), null),
	createdAt: timestamp,
	createdBy: member,
	updatedAt: timestamp,
	updatedBy: member
});
export type DecisionCore = v.InferOutput<typeof CoreSchema>;

export const CommentSchema = v.object({ id: entityId<'comment'>(), by: member, at: timestamp, text: v.pipe(text(4000), v.minLength(1)) });
export type Comment = v.InferOutput<typeof CommentSchema>;

const choiceList = v.pipe(v.array(v.pipe(v.string(), v.maxLength(20))), v.minLength(1), v.maxLength(MAX_POLL_OPTIONS));

/** One entry of the positions log. */
export const PositionSchema = v.object({
	id: entityId<'position'>(),
	memberId: member,
	choices: choiceList,
	reason: v.optional(text(2000), ''),
	at: timestamp
});
export type Position = v.InferOutput<typeof PositionSchema>;

/** A member present at a meeting, with what they raised their hand for. */
const HandSchema = v.object({ memberId: member, choices: choiceList, reason: v.optional(text(2000), '') });
export type Hand = v.InferOutput<typeof HandSchema>;

/** A show of hands recorded on one device at a meeting. */
export const TallySchema = v.object({
	id: entityId<'tally'>(),
	recordedBy: member,
	at: timestamp,
	note: v.optional(text(2000), ''),
	hands: v.array(HandSchema),
	/** Hands of people not in the member list, counted per choice. */
	anonymous: v.record(v.pipe(v.string(), v.maxLength(20)), v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
	voidedAt: v.optional(v.nullable(timestamp), null),
	voidedBy: v.optional(v.nullable(member), null)
});
export type Tally = v.InferOutput<typeof TallySchema>;

const targetSchema = v.variant('kind', [
	v.object({ kind: v.literal('member'), memberId: member }),
	v.object({ kind: v.literal('collective'), name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)) })
]);

/** What an allocation does once its decision is adopted. Input and stored form alike. */
export const EffectSchema = v.variant('kind', [
	v.object({
		kind: v.literal('money'),
		fundId: entityId<'fund'>(),
		amount: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
		currency: currencyCode,
		needId: v.optional(v.nullable(entityId<'need'>()), null),
		budgetLineId: v.optional(v.nullable(entityId<'budget-line'>()), null)
	}),
	v.pipe(
		v.object({
			kind: v.literal('booking'),
			resourceId: entityId<'resource'>(),
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
	v.object({ kind: v.literal('close_need'), needId: entityId<'need'>() }),
	/** Gives a member a role, or takes it back, once adopted: the only way roles change. */
	v.object({ kind: v.literal('role'), role: v.picklist(ROLES), memberId: member, change: v.picklist(ROLE_CHANGES) })
]);
export type Effect = v.InferOutput<typeof EffectSchema>;
/** An effect as a form declares it: optional fields may be left out. */
export type EffectInput = v.InferInput<typeof EffectSchema>;

export const AllocationSchema = v.object({
	id: entityId<'allocation'>(),
	effect: EffectSchema,
	declaredBy: member,
	declaredAt: timestamp,
	/** Its place among the allocations declared together, to keep the proposal's order. */
	seq: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0)), 0),
	withdrawnAt: v.optional(v.nullable(timestamp), null),
	withdrawnBy: v.optional(v.nullable(member), null)
});
export type Allocation = v.InferOutput<typeof AllocationSchema>;

export const ClosingSchema = v.object({
	id: entityId<'closing'>(),
	outcome: v.picklist(OUTCOMES),
	statement: v.optional(text(4000), ''),
	by: member,
	at: timestamp
});
export type Closing = v.InferOutput<typeof ClosingSchema>;

/** An allocation carried out: who did it and when. */
export const ExecutionSchema = v.object({ by: member, at: timestamp });
export type Execution = v.InferOutput<typeof ExecutionSchema>;

/** Which closing stands; `seen` are the closings on the resolving device: one outside it arrived later and reopens the question. */
export const ResolutionSchema = v.object({ closingId: entityId<'closing'>(), by: member, at: timestamp, seen: v.array(entityId<'closing'>()) });
export type Resolution = v.InferOutput<typeof ResolutionSchema>;

/** A decision as read: its own fields, what people added to it, and what is derived from them. */
export type Decision = DecisionCore & {
	comments: Comment[];
	/** The whole log, oldest first; see `countAnswers` for one per member. */
	positions: Position[];
	tallies: Tally[];
	allocations: Allocation[];
	closings: Closing[];
	executions: Map<AllocationId, Execution>;
	resolution: Resolution | null;
	/** Closed as soon as any device recorded a closing. */
	status: 'open' | 'closed';
	/** The closing shown as the outcome; see `shownClosing`. */
	closing: Closing | null;
	/** Nested entries (a comment, a position…) that failed their schema and were skipped. */
	unreadableParts: number;
};
