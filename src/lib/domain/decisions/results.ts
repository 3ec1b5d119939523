/**
 * Results of a decision, derived on every read and never stored: counts per
 * choice, who took part and who has not yet, whether the quorum is reached,
 * and the outcome the numbers suggest. The outcome itself is what people
 * record when they close; the suggestion only helps them.
 *
 * Counted are the members' own positions and the hands of meeting tallies,
 * merged by `countAnswers` (tallies.ts) so that no member counts twice, plus
 * the people counted at meetings without a name. All of it is ordered by
 * time and id, so every replica shows the same results.
 */
import type * as Y from 'yjs';
import { pendingAllocations } from './allocations';
import { hasClosingConflict } from './closings';
import { choicesOf } from './process';
import type { Allocation, Closing, Decision } from './schema';
import { getDecision } from './decisions';
import type { DecisionId, MemberId } from '../core/ids';
import { claimsOf, currentMembers } from '../space/without-device';
import { countAnswers, type CountedAnswer, type SupersededHand } from './tallies';

export type OutcomeSuggestion =
	/** Consent: at least one block. Shown whatever the quorum or the count. */
	| { kind: 'blocked'; blocks: number }
	| { kind: 'no_participants' }
	| { kind: 'no_quorum'; participants: number; required: number }
	/** Consent: no block, and the quorum if any. Disagreements are concerns to read, not a veto. */
	| { kind: 'consent'; disagreements: number }
	/** Vote: the majority rule is met among yes and no; abstentions do not count either way. */
	| { kind: 'adopt'; yes: number; no: number }
	| { kind: 'reject'; yes: number; no: number; tie: boolean }
	/** Poll: the options with the most answers; more than one means a tie. */
	| { kind: 'leading'; optionIds: string[]; count: number; tie: boolean };

export interface DecisionResults {
	decision: Decision;
	status: 'open' | 'closed';
	/** The closing shown as the outcome; see closings.ts. */
	closing: Closing | null;
	/** Closings that disagree and are not yet resolved. */
	closingConflict: boolean;
	/** Every choice of the process, zero included: named answers plus people counted without a name. */
	counts: Record<string, number>;
	/** One per member who answered, own position or hand at a meeting. */
	answers: CountedAnswer[];
	/** Hands that do not count: the member took a position themselves, or a later meeting counted them. */
	superseded: SupersededHand[];
	/** People counted at meetings without a name, per choice. */
	anonymous: Record<string, number>;
	/** Members who answered plus people counted without a name. */
	participants: number;
	/** Current members with no answer counted yet, in the order they joined. */
	notYet: MemberId[];
	quorum: { required: number; reached: boolean };
	/** Consent: every block, with who and why. Never hidden. */
	blocks: CountedAnswer[];
	outcome: OutcomeSuggestion;
	/** Answers recorded after the closing shown, by devices that had not heard of it yet. Counted, and flagged. */
	lateAnswers: CountedAnswer[];
	/** Adopted, but not carried out on any device heard of yet. */
	pendingAllocations: Allocation[];
	/** Closed, with a review date on or before today. */
	reviewDue: boolean;
}

/**
 * The results of a decision, or undefined if it is missing or unreadable.
 * `today` is the device's date, YYYY-MM-DD, used for the review date.
 */
export function decisionResults(doc: Y.Doc, id: DecisionId, today: string): DecisionResults | undefined {
	const decision = getDecision(doc, id);
	if (!decision) return undefined;
	return resultsOf(
		decision,
		currentMembers(doc).items.map((m) => m.id),
		today,
		claimsOf(doc)
	);
}

/**
 * The results of a decision already read; `members` are the current members
 * in the order they joined, `claims` the entries added by hand that a member
 * has claimed since (their hands count as that member's).
 */
export function resultsOf(
	decision: Decision,
	members: readonly MemberId[],
	today: string,
	claims: ReadonlyMap<MemberId, MemberId> = new Map()
): DecisionResults {
	const { answers, superseded, anonymous, anonymousTotal } = countAnswers(decision, claims);
	const counts: Record<string, number> = {};
	for (const choice of choicesOf(decision.process)) counts[choice] = anonymous[choice] ?? 0;
	for (const answer of answers) {
		for (const choice of answer.choices) counts[choice] = (counts[choice] ?? 0) + 1;
	}
	const answered = new Set<MemberId>(answers.map((a) => a.memberId));
	const notYet = members.filter((m) => !answered.has(m));
	const participants = answers.length + anonymousTotal;
	const quorum = { required: decision.quorum, reached: participants >= decision.quorum };
	const blocks = decision.process.kind === 'consent' ? answers.filter((a) => a.choices.includes('block')) : [];
	const closing = decision.closing;
	return {
		decision,
		status: decision.status,
		closing,
		closingConflict: hasClosingConflict(decision),
		counts,
		answers,
		superseded,
		anonymous,
		participants,
		notYet,
		quorum,
		blocks,
		outcome: suggest(decision, counts, participants, quorum.reached, blocks.length),
		lateAnswers: closing ? answers.filter((a) => a.at > closing.at) : [],
		pendingAllocations: pendingAllocations(decision),
		reviewDue: decision.status === 'closed' && decision.reviewOn !== null && decision.reviewOn <= today
	};
}

function suggest(
	decision: Decision,
	counts: Record<string, number>,
	participants: number,
	quorumReached: boolean,
	blocks: number
): OutcomeSuggestion {
	const process = decision.process;
	if (process.kind === 'consent' && blocks > 0) return { kind: 'blocked', blocks };
	if (participants === 0) return { kind: 'no_participants' };
	if (!quorumReached) return { kind: 'no_quorum', participants, required: decision.quorum };
	if (process.kind === 'consent') return { kind: 'consent', disagreements: counts.disagree ?? 0 };
	if (process.kind === 'vote') {
		const yes = counts.yes ?? 0;
		const no = counts.no ?? 0;
		const adopted = process.majority === 'simple' ? yes > no : yes > 0 && 3 * yes >= 2 * (yes + no);
		if (adopted) return { kind: 'adopt', yes, no };
		const tie = process.majority === 'simple' && yes === no;
		return { kind: 'reject', yes, no, tie };
	}
	const max = Math.max(...process.options.map((o) => counts[o.id] ?? 0));
	const optionIds = process.options.filter((o) => (counts[o.id] ?? 0) === max).map((o) => o.id);
	return { kind: 'leading', optionIds, count: max, tie: optionIds.length > 1 };
}
