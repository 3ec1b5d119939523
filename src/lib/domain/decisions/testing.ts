/** Builders for decision tests: a space with members, and a decision open for a week. */
import type * as Y from 'yjs';
import { createDecision, type DecisionInput } from './decisions';
import type { DecisionId, MemberId } from '../core/ids';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';

export const T0 = 1_800_000_000_000;
export const WEEK = 7 * 86_400_000;

/** A space whose first member is `by`, plus `others` more members. */
export function assembly(others = 3): { doc: Y.Doc; by: MemberId; members: MemberId[] } {
	const { doc, by } = newSpace();
	const members = [by];
	for (let i = 0; i < others; i++) {
		const id = memberId();
		joinSpace(doc, id, `Membre ${i + 2}`, 1_700_000_000_000 + i + 1);
		members.push(id);
	}
	return { doc, by, members };
}

type Common = Omit<Extract<DecisionInput, { process: 'consent' }>, 'process'>;
type Overrides = Partial<Common> &
	({ process?: 'consent' } | { process: 'vote'; majority?: 'simple' | 'two_thirds' } | { process: 'poll'; options: string[]; multiple?: boolean });

/** A proposal closing a week after T0; consent unless said otherwise. */
export function proposal(overrides: Overrides = {}): DecisionInput {
	const common = { title: 'Prêter la camionnette', proposal: 'À la cantine populaire, le samedi.', closesAt: T0 + WEEK };
	if (overrides.process === 'vote' || overrides.process === 'poll') return { ...common, ...overrides };
	return { ...common, ...overrides, process: 'consent' };
}

/** Opens a decision at T0, closing a week later; a refusal fails the test. */
export function propose(doc: Y.Doc, by: MemberId, overrides: Overrides = {}): DecisionId {
	const result = createDecision(doc, proposal(overrides), by, T0);
	if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
	return result.id;
}
