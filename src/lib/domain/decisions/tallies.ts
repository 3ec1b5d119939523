/**
 * Hybrid assemblies: at a meeting, one phone records a show of hands for the
 * people in the room, and it merges later with positions members took on
 * their own phones. No one is counted twice:
 *
 * - A member's own position always wins over a hand recorded for them; the
 *   hand is kept in the results as superseded by their own position.
 * - A member recorded in several tallies (two meetings, say) counts once,
 *   with the hand of the latest tally (by time, then id); the earlier hands
 *   are reported as superseded by the later tally.
 * - People not in the member list are counted per choice, per tally, and
 *   added up across tallies: no name means no way to match them.
 * - A voided tally counts for nothing (e.g. two phones recorded one meeting).
 *
 * Every rule orders by time then id, so every replica derives the same
 * count whatever order the updates arrived in.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { checkAnswer, choicesOf } from './process';
import { findDecision } from './read';
import type { Decision, Hand, PositionId, TallyId } from './schema';
import { newId, type DecisionId, type MemberId } from '../core/ids';
import { compareIds } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { entityId, LOCAL_ORIGIN, membersMap } from '../core/schema';

const choice = v.pipe(v.string(), v.maxLength(20));
const TallyInput = v.object({
	/** Members present, each with the choice they raised their hand for. */
	hands: v.optional(
		v.pipe(
			v.array(
				v.object({
					memberId: entityId<'member'>(),
					choice: v.union([choice, v.array(choice)]),
					reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)), '')
				})
			),
			v.maxLength(10_000)
		),
		[]
	),
	/** People not in the member list, counted per choice. A block needs a name, so not here. */
	anonymous: v.optional(v.record(choice, v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(100_000))), {}),
	note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)), '')
});
export type TallyInput = v.InferInput<typeof TallyInput>;

/** A hand refused, naming whose: their choice is not one of this decision, a reason is missing, they are counted twice or not a member here. */
export type HandRefusal = {
	[R in 'hand_not_a_choice' | 'hand_reason_required' | 'counted_twice' | 'not_a_member']: Refusal<R, { memberId: MemberId }>;
}['hand_not_a_choice' | 'hand_reason_required' | 'counted_twice' | 'not_a_member'];

export type TallyResult =
	| { ok: true; id: TallyId }
	| InvalidField
	| HandRefusal
	/** People without a name counted for a choice the process does not offer, or for a block. */
	| Refusal<'guests_not_a_choice', { choice: string }>
	/** Nobody counted at all. */
	| Refusal<'empty' | 'closed' | 'not_found'>;

/**
 * Records a show of hands. Each member appears at most once and must be in
 * the member list here; disagreements and blocks need their reason, as for
 * positions. Refused once the decision is closed.
 */
export function recordTally(
	doc: Y.Doc,
	id: DecisionId,
	input: TallyInput,
	by: MemberId,
	now = Date.now()
): TallyResult {
	const checked = checkInput(TallyInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const { parts, decision } = found;
	const seen = new Set<MemberId>();
	const hands: Hand[] = [];
	for (const hand of fields.hands) {
		const memberId = hand.memberId;
		if (seen.has(memberId)) return { ok: false, reason: 'counted_twice', memberId };
		if (!membersMap(doc).has(memberId)) return { ok: false, reason: 'not_a_member', memberId };
		seen.add(memberId);
		const answer = checkAnswer(decision.process, hand.choice, hand.reason);
		if (!answer.ok) {
			return { ok: false, reason: answer.reason === 'not_a_choice' ? 'hand_not_a_choice' : 'hand_reason_required', memberId };
		}
		hands.push({ memberId, choices: answer.choices, reason: hand.reason });
	}
	const allowed = choicesOf(decision.process);
	const anonymous: Record<string, number> = {};
	for (const [key, count] of Object.entries(fields.anonymous)) {
		if (!allowed.includes(key) || key === 'block') return { ok: false, reason: 'guests_not_a_choice', choice: key };
		if (count > 0) anonymous[key] = count;
	}
	if (hands.length === 0 && Object.keys(anonymous).length === 0) return { ok: false, reason: 'empty' };
	if (decision.status === 'closed') return { ok: false, reason: 'closed' };
	const tallyId = newId<'tally'>();
	doc.transact(() => {
		const tally = new Y.Map<unknown>();
		tally.set('id', tallyId);
		tally.set('recordedBy', by);
		tally.set('at', now);
		tally.set('note', fields.note);
		tally.set('hands', hands);
		tally.set('anonymous', anonymous);
		tally.set('voidedAt', null);
		tally.set('voidedBy', null);
		parts.tallies.set(tallyId, tally);
		recordActivity(doc, { at: now, by, action: 'decision.tally_recorded', subjectKind: 'decision', subjectId: id, decisionId: id, summary: decision.title });
	}, LOCAL_ORIGIN);
	return { ok: true, id: tallyId };
}

export type VoidTallyResult = { ok: true } | Refusal<'already_void' | 'not_found' | 'tally_not_found'>;

/**
 * Sets a tally aside: recorded twice, or recorded wrong. It stays in the
 * decision, marked, and stops counting. Also after closing, since results
 * are derived and should be right.
 */
export function voidTally(doc: Y.Doc, id: DecisionId, tallyId: TallyId, by: MemberId, now = Date.now()): VoidTallyResult {
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const tally = found.parts.tallies.get(tallyId);
	if (!(tally instanceof Y.Map)) return { ok: false, reason: 'tally_not_found' };
	if (tally.get('voidedAt') != null) return { ok: false, reason: 'already_void' };
	doc.transact(() => {
		tally.set('voidedAt', now);
		tally.set('voidedBy', by);
		recordActivity(doc, { at: now, by, action: 'decision.tally_voided', subjectKind: 'decision', subjectId: id, decisionId: id, summary: found.decision.title });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

/** One member's answer as counted: their own position, or their hand at a meeting. */
export interface CountedAnswer {
	memberId: MemberId;
	choices: string[];
	reason: string;
	at: number;
	source: 'own' | 'tally';
	positionId: PositionId | null;
	tallyId: TallyId | null;
}

/** A hand that does not count, and why. */
export interface SupersededHand {
	tallyId: TallyId;
	memberId: MemberId;
	choices: string[];
	supersededBy: 'own_position' | 'later_tally';
}

export interface Count {
	/** One per member who answered, sorted by member id. */
	answers: CountedAnswer[];
	superseded: SupersededHand[];
	/** Hands of people outside the member list, per choice, summed over the tallies that count. */
	anonymous: Record<string, number>;
	anonymousTotal: number;
}

/**
 * Merges positions and tallies into one answer per member, following the
 * rules above. A hand raised for an entry someone has since claimed
 * (`claims`, space/without-device.ts) counts as the claimant's.
 */
export function countAnswers(decision: Pick<Decision, 'positions' | 'tallies'>, claims: ReadonlyMap<MemberId, MemberId> = new Map()): Count {
	const answers = new Map<MemberId, CountedAnswer>();
	// Positions come sorted by time then id: the last one of each member is their position.
	for (const p of decision.positions) {
		answers.set(p.memberId, {
			memberId: p.memberId,
			choices: p.choices,
			reason: p.reason,
			at: p.at,
			source: 'own',
			positionId: p.id,
			tallyId: null
		});
	}
	const superseded: SupersededHand[] = [];
	const anonymous: Record<string, number> = {};
	let anonymousTotal = 0;
	// Tallies come sorted by time then id: a later tally's hand replaces an earlier one.
	for (const tally of decision.tallies) {
		if (tally.voidedAt !== null) continue;
		for (const [key, count] of Object.entries(tally.anonymous)) {
			anonymous[key] = (anonymous[key] ?? 0) + count;
			anonymousTotal += count;
		}
		for (const raised of tally.hands) {
			const claimant = claims.get(raised.memberId);
			const hand = claimant ? { ...raised, memberId: claimant } : raised;
			const previous = answers.get(hand.memberId);
			const drop = { tallyId: tally.id, memberId: hand.memberId, choices: hand.choices };
			if (previous?.source === 'own') {
				superseded.push({ ...drop, supersededBy: 'own_position' });
				continue;
			}
			if (previous?.tallyId) {
				superseded.push({ tallyId: previous.tallyId, memberId: hand.memberId, choices: previous.choices, supersededBy: 'later_tally' });
			}
			answers.set(hand.memberId, {
				memberId: hand.memberId,
				choices: hand.choices,
				reason: hand.reason,
				at: tally.at,
				source: 'tally',
				positionId: null,
				tallyId: tally.id
			});
		}
	}
	const sorted = [...answers.values()].sort((a, b) => compareIds(a.memberId, b.memberId));
	return { answers: sorted, superseded, anonymous, anonymousTotal };
}
