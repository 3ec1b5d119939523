/**
 * Decisions: a proposal, its discussion, the positions members take, and an
 * outcome. Three processes: consent (a block stops it), vote (quorum and
 * majority), poll (options fixed at creation). Positions taken on members'
 * own phones merge with show-of-hands tallies from meetings (tallies.ts);
 * results are derived on read (results.ts); closing and the
 * allocations an adopted decision carries out live in closings.ts
 * and allocations.ts.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import { checkEffect, writeAllocation, type EffectRefusal } from './allocations';
import { checkAnswer, MAJORITIES, MAX_POLL_OPTIONS, type AnswerRefusal, type Process } from './process';
import { findDecision, readDecision } from './read';
import { EffectSchema, type CommentId, type Decision, type PositionId } from './schema';
import { newId, type DecisionId, type MemberId } from '../core/ids';
import { compareIds } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { decisionsMap, isoDate, LOCAL_ORIGIN, timestamp, type ReadResult } from '../core/schema';

const trimmed = (min: number, max: number) => v.pipe(v.string(), v.trim(), v.minLength(min), v.maxLength(max));
const MAX_ALLOCATIONS = 50;

const common = {
	title: trimmed(1, 200),
	proposal: v.optional(trimmed(0, 10_000), ''),
	/** Announced end of the discussion, in ms; positions are taken until someone closes. */
	closesAt: timestamp,
	/** YYYY-MM-DD: when the collective means to look at the decision again. */
	reviewOn: v.optional(v.nullable(isoDate), null),
	/** Minimum number of participants (members and guests counted at meetings); 0 for none. */
	quorum: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(100_000)), 0),
	allocations: v.optional(v.pipe(v.array(EffectSchema), v.maxLength(MAX_ALLOCATIONS)), [])
};
const DecisionInput = v.variant('process', [
	v.object({ ...common, process: v.literal('consent') }),
	v.object({ ...common, process: v.literal('vote'), majority: v.optional(v.picklist(MAJORITIES), 'simple') }),
	v.object({
		...common,
		process: v.literal('poll'),
		options: v.pipe(
			v.array(trimmed(1, 200)),
			v.minLength(2),
			v.maxLength(MAX_POLL_OPTIONS),
			v.check((labels) => new Set(labels.map((l) => l.toLowerCase())).size === labels.length, 'options must differ')
		),
		multiple: v.optional(v.boolean(), false)
	})
]);
/** What the proposal form sends. Poll options are labels; they get ids o1, o2, … in order. */
export type DecisionInput = v.InferInput<typeof DecisionInput>;

/** Refused: the decision is not on this device (not synced yet, or unreadable here). */
export type NotFound = Refusal<'not_found'>;
/** Refused: someone closed the decision, as far as this device knows. */
export type Closed = Refusal<'closed'>;

export type CreateDecisionResult =
	| { ok: true; id: DecisionId }
	| InvalidField
	| Refusal<'closes_in_past'>
	/** Allocation number `index` (from 0) points at something this device cannot use. */
	| Refusal<'allocation_refused', { index: number; refusal: EffectRefusal }>;

/**
 * Opens a decision. Its closing date must be in the future. Allocations
 * declared here must point at things this device knows (a fund in that
 * currency, a resource not removed, a need).
 */
export function createDecision(doc: Y.Doc, input: DecisionInput, by: MemberId, now = Date.now()): CreateDecisionResult {
	const checked = checkInput(DecisionInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	if (fields.closesAt <= now) return { ok: false, reason: 'closes_in_past' };
	for (const [index, effect] of fields.allocations.entries()) {
		const refusal = checkEffect(doc, effect);
		if (refusal) return { ok: false, reason: 'allocation_refused', index, refusal };
	}
	const process: Process =
		fields.process === 'consent'
			? { kind: 'consent' }
			: fields.process === 'vote'
				? { kind: 'vote', majority: fields.majority }
				: { kind: 'poll', options: fields.options.map((label, i) => ({ id: `o${i + 1}`, label })), multiple: fields.multiple };
	const id = newId<'decision'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		entry.set('id', id);
		entry.set('title', fields.title);
		entry.set('proposal', fields.proposal);
		entry.set('proposedBy', by);
		entry.set('process', process);
		entry.set('quorum', fields.quorum);
		entry.set('closesAt', fields.closesAt);
		entry.set('reviewOn', fields.reviewOn);
		entry.set('createdAt', now);
		entry.set('createdBy', by);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		entry.set('resolution', null);
		const allocations = new Y.Map<unknown>();
		entry.set('comments', new Y.Array<unknown>());
		entry.set('positions', new Y.Array<unknown>());
		entry.set('tallies', new Y.Map<unknown>());
		entry.set('allocations', allocations);
		entry.set('closings', new Y.Map<unknown>());
		entry.set('executions', new Y.Map<unknown>());
		decisionsMap(doc).set(id, entry);
		fields.allocations.forEach((effect, seq) => writeAllocation(allocations, effect, by, now, seq));
		recordActivity(doc, { at: now, by, action: 'decision.created', subjectKind: 'decision', subjectId: id, decisionId: id, summary: fields.title });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

const DecisionPatch = v.object({
	title: v.optional(trimmed(1, 200)),
	proposal: v.optional(trimmed(0, 10_000)),
	closesAt: v.optional(timestamp),
	reviewOn: v.optional(v.nullable(isoDate))
});
export type DecisionPatch = v.InferInput<typeof DecisionPatch>;
export type DecisionUpdate = { ok: true; changed: string[] } | InvalidField | Closed | NotFound;

/**
 * Edits the proposal while it is open, field by field so that concurrent
 * edits of different fields both stay. Once closed, only the review date
 * may still change.
 */
export function updateDecision(
	doc: Y.Doc,
	id: DecisionId,
	patch: DecisionPatch,
	by: MemberId,
	now = Date.now()
): DecisionUpdate {
	const checked = checkInput(DecisionPatch, patch);
	if (!checked.ok) return checked;
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const { entry, decision } = found;
	const changed = Object.entries(checked.value).filter(([key, value]) => value !== undefined && entry.get(key) !== value);
	if (decision.status === 'closed' && changed.some(([key]) => key !== 'reviewOn')) return { ok: false, reason: 'closed' };
	if (changed.length === 0) return { ok: true, changed: [] };
	const changes: FieldChange[] = changed.map(([key, value]) => ({ field: key, from: entry.get(key) ?? null, to: value }));
	doc.transact(() => {
		for (const [key, value] of changed) entry.set(key, value);
		entry.set('updatedAt', now);
		entry.set('updatedBy', by);
		recordEdits(doc, 'decision', id, changes, by, now);
		recordActivity(doc, { at: now, by, action: 'decision.edited', subjectKind: 'decision', subjectId: id, decisionId: id, summary: decision.title, changes });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: changed.map(([key]) => key) };
}

const CommentInput = v.object({ text: trimmed(1, 4000) });
export type CommentResult = { ok: true; id: CommentId } | InvalidField | NotFound;

/** Adds to the discussion, open or closed: a review may come back to it. */
export function addComment(doc: Y.Doc, id: DecisionId, text: string, by: MemberId, now = Date.now()): CommentResult {
	const checked = checkInput(CommentInput, { text });
	if (!checked.ok) return checked;
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const commentId = newId<'comment'>();
	doc.transact(() => {
		found.parts.comments.push([{ id: commentId, by, at: now, text: checked.value.text }]);
		recordActivity(doc, { at: now, by, action: 'decision.commented', subjectKind: 'decision', subjectId: id, decisionId: id, summary: found.decision.title });
	}, LOCAL_ORIGIN);
	return { ok: true, id: commentId };
}

const PositionInput = v.object({
	choice: v.union([v.pipe(v.string(), v.maxLength(20)), v.pipe(v.array(v.pipe(v.string(), v.maxLength(20))), v.maxLength(MAX_POLL_OPTIONS))]),
	reason: v.optional(trimmed(0, 2000), '')
});
/** A consent or vote word, a poll option id, or several option ids for a multiple-choice poll. */
export type PositionInput = v.InferInput<typeof PositionInput>;
export type PositionResult = { ok: true; id: PositionId } | InvalidField | AnswerRefusal | Closed | NotFound;

/**
 * Takes or changes the member's own position. Each change is appended to
 * the log; the latest one counts. Refused once the decision is closed
 * (as far as this device knows).
 */
export function takePosition(
	doc: Y.Doc,
	id: DecisionId,
	input: PositionInput,
	by: MemberId,
	now = Date.now()
): PositionResult {
	const checked = checkInput(PositionInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const { parts, decision } = found;
	const answer = checkAnswer(decision.process, fields.choice, fields.reason);
	if (!answer.ok) return answer;
	if (decision.status === 'closed') return { ok: false, reason: 'closed' };
	const positionId = newId<'position'>();
	doc.transact(() => {
		parts.positions.push([{ id: positionId, memberId: by, choices: answer.choices, reason: fields.reason, at: now }]);
		recordActivity(doc, { at: now, by, action: 'decision.position_taken', subjectKind: 'decision', subjectId: id, decisionId: id, summary: decision.title });
	}, LOCAL_ORIGIN);
	return { ok: true, id: positionId };
}

export function getDecision(doc: Y.Doc, id: DecisionId): Decision | undefined {
	return readDecision(id, decisionsMap(doc).get(id));
}

export interface DecisionFilter {
	status?: 'open' | 'closed';
}

/** Open decisions first, soonest closing date first; then closed ones, latest closed first. */
export function listDecisions(doc: Y.Doc, filter: DecisionFilter = {}): ReadResult<Decision> {
	const items: Decision[] = [];
	let unreadable = 0;
	for (const [key, value] of decisionsMap(doc).entries()) {
		const decision = readDecision(key, value);
		if (!decision) unreadable++;
		else if (!filter.status || decision.status === filter.status) items.push(decision);
	}
	items.sort(
		(a, b) =>
			(a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) ||
			(a.status === 'open' ? a.closesAt - b.closesAt : (b.closing?.at ?? 0) - (a.closing?.at ?? 0)) ||
			compareIds(a.id, b.id)
	);
	return { items, unreadable };
}
