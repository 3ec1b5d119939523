import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { decisionResults } from './results';
import { closeDecision } from './closings';
import { assembly, propose, T0 } from './testing';
import { getDecision, takePosition } from './decisions';
import { newId, type MemberId } from '../core/ids';
import { countAnswers, recordTally, voidTally } from './tallies';
import { memberId, syncDocs } from '../space/testing';

const TODAY = '2027-01-15';

describe('tallies (hybrid assemblies)', () => {
	it('counts a show of hands with named members and guests', () => {
		const { doc, by, members } = assembly(3);
		const [, bob, carla, dan] = members as [MemberId, MemberId, MemberId, MemberId];
		const id = propose(doc, by, { process: 'vote' });
		const result = recordTally(
			doc,
			id,
			{
				hands: [
					{ memberId: bob, choice: 'yes' },
					{ memberId: carla, choice: 'no' }
				],
				anonymous: { yes: 4, abstain: 1, no: 0 },
				note: 'AG du 12'
			},
			by,
			T0 + 100
		);
		expect(result.ok).toBe(true);
		const r = decisionResults(doc, id, TODAY)!;
		expect(r.counts).toEqual({ yes: 5, no: 1, abstain: 1 });
		expect(r.participants).toBe(7);
		expect(r.anonymous).toEqual({ yes: 4, abstain: 1 });
		expect(r.answers.map((a) => a.source)).toEqual(['tally', 'tally']);
		expect(r.notYet.sort()).toEqual([by, dan].sort());
		expect(getDecision(doc, id)?.tallies[0]).toMatchObject({ recordedBy: by, note: 'AG du 12', voidedAt: null });
		expect(listActivity(doc, { decisionId: id }).items[0]?.action).toBe('decision.tally_recorded');
	});

	it('refuses a tally that counts someone twice, an outsider by id, or a block without a name', () => {
		const { doc, by, members } = assembly(1);
		const bob = members[1]!;
		const id = propose(doc, by);
		const before = Y.encodeStateAsUpdate(doc);
		expect(recordTally(doc, id, { hands: [{ memberId: bob, choice: 'agree' }, { memberId: bob, choice: 'abstain' }] }, by)).toEqual({
			ok: false,
			reason: 'counted_twice',
			memberId: bob
		});
		const outsider = memberId();
		expect(recordTally(doc, id, { hands: [{ memberId: outsider, choice: 'agree' }] }, by)).toEqual({ ok: false, reason: 'not_a_member', memberId: outsider });
		expect(recordTally(doc, id, { hands: [{ memberId: bob, choice: 'block' }] }, by)).toEqual({ ok: false, reason: 'hand_reason_required', memberId: bob });
		expect(recordTally(doc, id, { hands: [{ memberId: bob, choice: 'yes' }] }, by)).toEqual({ ok: false, reason: 'hand_not_a_choice', memberId: bob });
		expect(recordTally(doc, id, { anonymous: { block: 1 } }, by)).toEqual({ ok: false, reason: 'guests_not_a_choice', choice: 'block' });
		expect(recordTally(doc, id, { anonymous: { agree: -1 } }, by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'anonymous.agree' });
		expect(recordTally(doc, id, { anonymous: { agree: 0 } }, by)).toEqual({ ok: false, reason: 'empty' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
		expect(recordTally(doc, id, { hands: [{ memberId: bob, choice: 'block', reason: 'Pas assuré' }] }, by).ok).toBe(true);
		closeDecision(doc, id, { outcome: 'rejected' }, by);
		expect(recordTally(doc, id, { anonymous: { agree: 2 } }, by)).toEqual({ ok: false, reason: 'closed' });
	});

	it("never counts a member twice: their own position wins over a hand, and says so", () => {
		const { doc: phone, by, members } = assembly(2);
		const [, bob, carla] = members as [MemberId, MemberId, MemberId];
		const id = propose(phone, by, { process: 'vote' });
		const bobsPhone = new Y.Doc();
		syncDocs(phone, bobsPhone);
		// At the meeting, the recorder's phone counts Bob and Carla by a show of hands…
		const tally = recordTally(phone, id, { hands: [{ memberId: bob, choice: 'yes' }, { memberId: carla, choice: 'yes' }] }, by, T0 + 100);
		// …while Bob, offline, had voted no on his own phone.
		takePosition(bobsPhone, id, { choice: 'no' }, bob, T0 + 50);
		syncDocs(phone, bobsPhone);
		for (const doc of [phone, bobsPhone]) {
			const r = decisionResults(doc, id, TODAY)!;
			expect(r.counts).toEqual({ yes: 1, no: 1, abstain: 0 });
			expect(r.participants).toBe(2);
			expect(r.answers.find((a) => a.memberId === bob)).toMatchObject({ source: 'own', choices: ['no'] });
			expect(r.superseded).toEqual([
				{ tallyId: tally.ok && tally.id, memberId: bob, choices: ['yes'], supersededBy: 'own_position' }
			]);
		}
	});

	it('counts a member in two meetings once, with the latest tally', () => {
		const { doc, by, members } = assembly(2);
		const [, bob, carla] = members as [MemberId, MemberId, MemberId];
		const id = propose(doc, by, { process: 'poll', options: ['Samedi', 'Dimanche'] });
		const first = recordTally(doc, id, { hands: [{ memberId: bob, choice: 'o1' }, { memberId: carla, choice: 'o1' }], anonymous: { o1: 2 } }, by, T0 + 100);
		const second = recordTally(doc, id, { hands: [{ memberId: bob, choice: 'o2' }], anonymous: { o2: 3 } }, by, T0 + 200);
		const r = decisionResults(doc, id, TODAY)!;
		expect(r.counts).toEqual({ o1: 3, o2: 4 });
		expect(r.answers.find((a) => a.memberId === bob)).toMatchObject({ choices: ['o2'], tallyId: second.ok && second.id });
		expect(r.superseded).toEqual([{ tallyId: first.ok && first.id, memberId: bob, choices: ['o1'], supersededBy: 'later_tally' }]);
		expect(r.participants).toBe(2 + 5);
	});

	it('gives the same results on every replica whatever the merge order', () => {
		const { doc: origin, by, members } = assembly(3);
		const [, bob, carla, dan] = members as [MemberId, MemberId, MemberId, MemberId];
		const id = propose(origin, by);
		const replicas = [0, 1, 2].map(() => {
			const d = new Y.Doc();
			syncDocs(origin, d);
			return d;
		});
		const [x, y, z] = replicas as [Y.Doc, Y.Doc, Y.Doc];
		recordTally(x, id, { hands: [{ memberId: bob, choice: 'agree' }, { memberId: carla, choice: 'abstain' }], anonymous: { agree: 2 } }, by, T0 + 100);
		// Two tallies recorded at the very same millisecond on two phones: the id breaks the tie.
		recordTally(y, id, { hands: [{ memberId: carla, choice: 'agree' }, { memberId: dan, choice: 'disagree', reason: 'Trop loin' }] }, carla, T0 + 100);
		takePosition(z, id, { choice: 'block', reason: 'Pas de permis' }, dan, T0 + 150);
		takePosition(z, id, { choice: 'agree' }, by, T0 + 160);
		const orders: Y.Doc[][] = [
			[x, y, z],
			[z, y, x],
			[y, z, x]
		];
		const seen = orders.map((order) => {
			const fresh = new Y.Doc();
			for (const d of order) Y.applyUpdate(fresh, Y.encodeStateAsUpdate(d));
			return decisionResults(fresh, id, TODAY)!;
		});
		for (const r of seen.slice(1)) {
			expect(r).toEqual(seen[0]);
		}
		const r = seen[0]!;
		expect(r.blocks.map((b) => [b.memberId, b.reason])).toEqual([[dan, 'Pas de permis']]);
		expect(r.outcome).toEqual({ kind: 'blocked', blocks: 1 });
		expect(r.participants).toBe(4 + 2);
	});

	it('voids a tally recorded twice: it stays, marked, and stops counting', () => {
		const { doc: a, by, members } = assembly(1);
		const bob = members[1]!;
		const id = propose(a, by, { process: 'vote' });
		const b = new Y.Doc();
		syncDocs(a, b);
		const one = recordTally(a, id, { hands: [{ memberId: bob, choice: 'yes' }], anonymous: { yes: 3 } }, by, T0 + 100);
		const two = recordTally(b, id, { hands: [{ memberId: bob, choice: 'yes' }], anonymous: { yes: 3 } }, bob, T0 + 101);
		syncDocs(a, b);
		expect(decisionResults(a, id, TODAY)?.counts.yes).toBe(7);
		if (!two.ok || !one.ok) throw new Error('tallies not recorded');
		expect(voidTally(a, id, two.id, by, T0 + 200)).toEqual({ ok: true });
		expect(voidTally(a, id, two.id, by)).toEqual({ ok: false, reason: 'already_void' });
		syncDocs(a, b);
		const r = decisionResults(b, id, TODAY)!;
		expect(r.counts.yes).toBe(4);
		expect(r.superseded).toEqual([]);
		expect(getDecision(b, id)?.tallies.map((t) => t.voidedAt)).toEqual([null, T0 + 200]);
		expect(voidTally(a, id, newId<'tally'>(), by)).toEqual({ ok: false, reason: 'tally_not_found' });
	});

	it('merges nothing but positions when there is no tally', () => {
		const count = countAnswers({ positions: [], tallies: [] });
		expect(count).toEqual({ answers: [], superseded: [], anonymous: {}, anonymousTotal: 0 });
	});
});
