import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeDecision } from './closings';
import { decisionResults } from './results';
import { assembly, propose, T0 } from './testing';
import { takePosition, type PositionInput } from './decisions';
import { newId, type DecisionId, type MemberId } from '../core/ids';
import { recordTally } from './tallies';
import { syncDocs } from '../space/testing';

const TODAY = '2027-01-15';

function answer(doc: Y.Doc, id: DecisionId, members: MemberId[], choices: PositionInput[]) {
	choices.forEach((input, i) => takePosition(doc, id, input, members[i]!, T0 + 10 + i));
	return decisionResults(doc, id, TODAY)!;
}

describe('decision results', () => {
	it('consent: no block and the quorum reached suggest consent; disagreements are counted', () => {
		const { doc, by, members } = assembly(3);
		const id = propose(doc, by, { quorum: 3 });
		const r = answer(doc, id, members, [{ choice: 'agree' }, { choice: 'disagree', reason: 'Cher' }, { choice: 'abstain' }]);
		expect(r.counts).toEqual({ agree: 1, abstain: 1, disagree: 1, block: 0 });
		expect(r.quorum).toEqual({ required: 3, reached: true });
		expect(r.outcome).toEqual({ kind: 'consent', disagreements: 1 });
		expect(r.notYet).toEqual([members[3]]);
		expect(r.blocks).toEqual([]);
	});

	it('consent: a block is shown with its reason, whatever the quorum', () => {
		const { doc, by, members } = assembly(3);
		const id = propose(doc, by, { quorum: 10 });
		const r = answer(doc, id, members, [{ choice: 'agree' }, { choice: 'block', reason: 'Pas assuré' }]);
		expect(r.outcome).toEqual({ kind: 'blocked', blocks: 1 });
		expect(r.blocks).toMatchObject([{ memberId: members[1], reason: 'Pas assuré', source: 'own' }]);
		expect(r.quorum.reached).toBe(false);
	});

	it('vote: quorum first, then the majority of yes over yes and no', () => {
		const { doc, by, members } = assembly(4);
		const id = propose(doc, by, { process: 'vote', quorum: 4 });
		let r = answer(doc, id, members, [{ choice: 'yes' }, { choice: 'yes' }, { choice: 'no' }]);
		expect(r.outcome).toEqual({ kind: 'no_quorum', participants: 3, required: 4 });
		takePosition(doc, id, { choice: 'abstain' }, members[3]!, T0 + 50);
		r = decisionResults(doc, id, TODAY)!;
		expect(r.outcome).toEqual({ kind: 'adopt', yes: 2, no: 1 });
		takePosition(doc, id, { choice: 'no' }, members[4]!, T0 + 60);
		expect(decisionResults(doc, id, TODAY)?.outcome).toEqual({ kind: 'reject', yes: 2, no: 2, tie: true });
	});

	it('vote: two thirds means at least two yes for each no', () => {
		const { doc, by, members } = assembly(4);
		const id = propose(doc, by, { process: 'vote', majority: 'two_thirds' });
		let r = answer(doc, id, members, [{ choice: 'yes' }, { choice: 'yes' }, { choice: 'no' }, { choice: 'abstain' }]);
		expect(r.outcome).toEqual({ kind: 'adopt', yes: 2, no: 1 });
		takePosition(doc, id, { choice: 'no' }, members[4]!, T0 + 60);
		r = decisionResults(doc, id, TODAY)!;
		expect(r.outcome).toEqual({ kind: 'reject', yes: 2, no: 2, tie: false });
		const empty = propose(doc, by, { process: 'vote', majority: 'two_thirds' });
		expect(answer(doc, empty, members, [{ choice: 'abstain' }]).outcome).toEqual({ kind: 'reject', yes: 0, no: 0, tie: false });
		expect(decisionResults(doc, propose(doc, by, { process: 'vote' }), TODAY)?.outcome).toEqual({ kind: 'no_participants' });
	});

	it('poll: the leading option, ties visible, several choices when allowed', () => {
		const { doc, by, members } = assembly(3);
		const id = propose(doc, by, { process: 'poll', options: ['Samedi', 'Dimanche', 'Lundi'] });
		let r = answer(doc, id, members, [{ choice: 'o1' }, { choice: 'o2' }, { choice: 'o3' }, { choice: 'o2' }]);
		expect(r.counts).toEqual({ o1: 1, o2: 2, o3: 1 });
		expect(r.outcome).toEqual({ kind: 'leading', optionIds: ['o2'], count: 2, tie: false });
		takePosition(doc, id, { choice: 'o1' }, members[2]!, T0 + 99);
		r = decisionResults(doc, id, TODAY)!;
		expect(r.outcome).toEqual({ kind: 'leading', optionIds: ['o1', 'o2'], count: 2, tie: true });
		const multi = propose(doc, by, { process: 'poll', options: ['A', 'B'], multiple: true });
		r = answer(doc, multi, members, [{ choice: ['o1', 'o2'] }, { choice: ['o2'] }]);
		expect(r.counts).toEqual({ o1: 1, o2: 2 });
		expect(r.participants).toBe(2);
	});

	it('flags answers that arrive after the closing, and a review that is due', () => {
		const { doc: a, by, members } = assembly(1);
		const bob = members[1]!;
		const id = propose(a, by, { process: 'vote', reviewOn: '2027-02-01' });
		const b = new Y.Doc();
		syncDocs(a, b);
		takePosition(a, id, { choice: 'yes' }, by, T0 + 10);
		closeDecision(a, id, { outcome: 'adopted', statement: 'Adopté à l’unanimité' }, by, T0 + 20);
		// Bob's phone had not heard of the closing.
		takePosition(b, id, { choice: 'no' }, bob, T0 + 30);
		syncDocs(a, b);
		const r = decisionResults(a, id, '2027-01-31')!;
		expect(r.status).toBe('closed');
		expect(r.counts).toMatchObject({ yes: 1, no: 1 });
		expect(r.lateAnswers.map((x) => x.memberId)).toEqual([bob]);
		expect(r.reviewDue).toBe(false);
		expect(decisionResults(a, id, '2027-02-01')?.reviewDue).toBe(true);
		expect(decisionResults(a, newId<'decision'>(), TODAY)).toBeUndefined();
	});

	it('counts guests toward the quorum', () => {
		const { doc, by, members } = assembly(1);
		const id = propose(doc, by, { process: 'vote', quorum: 5 });
		recordTally(doc, id, { hands: [{ memberId: members[1]!, choice: 'yes' }], anonymous: { yes: 2, no: 2 } }, by, T0 + 5);
		const r = decisionResults(doc, id, TODAY)!;
		expect(r.participants).toBe(5);
		expect(r.outcome).toEqual({ kind: 'adopt', yes: 3, no: 2 });
		expect(r.notYet).toEqual([by]);
	});
});
