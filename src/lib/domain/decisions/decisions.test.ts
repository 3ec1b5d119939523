import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { closeDecision } from './closings';
import { assembly, propose, proposal, T0, WEEK } from './testing';
import { addComment, createDecision, getDecision, listDecisions, takePosition, updateDecision } from './decisions';
import { newId } from '../core/ids';
import { decisionsMap } from '../core/schema';
import { memberId, syncDocs } from '../space/testing';

describe('decisions', () => {
	it('opens a thread with its process, dates and proposer', () => {
		const { doc, by } = assembly(0);
		const id = propose(doc, by, { reviewOn: '2027-06-01', quorum: 3 });
		expect(getDecision(doc, id)).toMatchObject({
			title: 'Prêter la camionnette',
			proposedBy: by,
			process: { kind: 'consent' },
			quorum: 3,
			closesAt: T0 + WEEK,
			reviewOn: '2027-06-01',
			status: 'open',
			closing: null,
			comments: [],
			positions: [],
			unreadableParts: 0
		});
		const vote = propose(doc, by, { process: 'vote' });
		expect(getDecision(doc, vote)?.process).toEqual({ kind: 'vote', majority: 'simple' });
		const poll = propose(doc, by, { process: 'poll', options: [' Samedi ', 'Dimanche'], multiple: true });
		expect(getDecision(doc, poll)?.process).toEqual({
			kind: 'poll',
			options: [
				{ id: 'o1', label: 'Samedi' },
				{ id: 'o2', label: 'Dimanche' }
			],
			multiple: true
		});
		expect(listActivity(doc, { decisionId: id }).items.map((a) => a.action)).toEqual(['decision.created']);
	});

	it('refuses bad proposals with the field named, and writes nothing', () => {
		const { doc, by } = assembly(0);
		const before = Y.encodeStateAsUpdate(doc);
		expect(createDecision(doc, proposal({ title: '  ' }), by, T0)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'title' });
		expect(createDecision(doc, proposal({ closesAt: T0 - 1 }), by, T0)).toEqual({ ok: false, reason: 'closes_in_past' });
		expect(createDecision(doc, proposal({ reviewOn: '1/6/2027' }), by, T0)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'reviewOn' });
		expect(createDecision(doc, proposal({ quorum: -1 }), by, T0)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'quorum' });
		expect(createDecision(doc, proposal({ process: 'poll', options: ['Seule'] }), by, T0)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'options' });
		expect(createDecision(doc, proposal({ process: 'poll', options: ['Oui', ' oui '] }), by, T0)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'options', problem: 'malformed' });
		expect(createDecision(doc, proposal({ process: 'vote', majority: 'most' as never }), by, T0)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'majority' });
		expect(createDecision(doc, { title: 'X', closesAt: T0 + 1, process: 'referendum' } as never, by, T0)).toMatchObject({
			ok: false,
			reason: 'invalid_field'
		});
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('takes positions until closed; a changed position replaces the earlier one', () => {
		const { doc, by, members } = assembly(1);
		const bob = members[1]!;
		const id = propose(doc, by);
		expect(takePosition(doc, id, { choice: 'agree' }, by, T0 + 1).ok).toBe(true);
		takePosition(doc, id, { choice: 'abstain' }, bob, T0 + 2);
		takePosition(doc, id, { choice: 'disagree', reason: 'Le samedi on en a besoin' }, by, T0 + 3);
		const decision = getDecision(doc, id)!;
		expect(decision.positions.map((p) => [p.memberId, p.choices])).toEqual([
			[by, ['agree']],
			[bob, ['abstain']],
			[by, ['disagree']]
		]);
		closeDecision(doc, id, { outcome: 'rejected' }, by, T0 + 4);
		expect(takePosition(doc, id, { choice: 'agree' }, bob, T0 + 5)).toEqual({ ok: false, reason: 'closed' });
		expect(getDecision(doc, id)?.positions).toHaveLength(3);
	});

	it('checks each answer against the process', () => {
		const { doc, by } = assembly(0);
		const consent = propose(doc, by);
		expect(takePosition(doc, consent, { choice: 'block' }, by)).toEqual({ ok: false, reason: 'reason_required', choice: 'block' });
		expect(takePosition(doc, consent, { choice: 'disagree', reason: '  ' }, by)).toMatchObject({ ok: false, reason: 'reason_required' });
		expect(takePosition(doc, consent, { choice: 'yes' }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		expect(takePosition(doc, consent, { choice: 'block', reason: 'Assurance expirée' }, by).ok).toBe(true);
		const vote = propose(doc, by, { process: 'vote' });
		expect(takePosition(doc, vote, { choice: 'agree' }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		expect(takePosition(doc, vote, { choice: ['yes', 'no'] }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		const poll = propose(doc, by, { process: 'poll', options: ['A', 'B', 'C'] });
		expect(takePosition(doc, poll, { choice: ['o1', 'o2'] }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		expect(takePosition(doc, poll, { choice: 'o4' }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		const multi = propose(doc, by, { process: 'poll', options: ['A', 'B', 'C'], multiple: true });
		expect(takePosition(doc, multi, { choice: ['o1', 'o1'] }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		expect(takePosition(doc, multi, { choice: [] }, by)).toEqual({ ok: false, reason: 'not_a_choice' });
		expect(takePosition(doc, multi, { choice: ['o1', 'o3'] }, by).ok).toBe(true);
		expect(takePosition(doc, newId<'decision'>(), { choice: 'o1' }, by)).toEqual({ ok: false, reason: 'not_found' });
	});

	it('keeps every comment and position written offline on two replicas', () => {
		const { doc: a, by, members } = assembly(1);
		const bob = members[1]!;
		const id = propose(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		addComment(a, id, 'Qui conduit ?', by, T0 + 10);
		addComment(b, id, ' Moi, samedi. ', bob, T0 + 11);
		takePosition(a, id, { choice: 'agree' }, by, T0 + 12);
		takePosition(b, id, { choice: 'agree' }, bob, T0 + 13);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			const d = getDecision(doc, id)!;
			expect(d.comments.map((c) => [c.by, c.text])).toEqual([
				[by, 'Qui conduit ?'],
				[bob, 'Moi, samedi.']
			]);
			expect(d.positions.map((p) => p.memberId)).toEqual([by, bob]);
		}
		expect(addComment(a, id, ' ', by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'text', problem: 'required' });
	});

	it('edits while open, field by field; once closed only the review date', () => {
		const { doc: a, by } = assembly(0);
		const id = propose(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		updateDecision(a, id, { title: 'Prêter le camion' }, by, T0 + 1);
		updateDecision(b, id, { closesAt: T0 + 2 * WEEK }, memberId(), T0 + 2);
		syncDocs(a, b);
		expect(getDecision(b, id)).toMatchObject({ title: 'Prêter le camion', closesAt: T0 + 2 * WEEK });
		expect(updateDecision(a, id, { title: 'Prêter le camion' }, by)).toEqual({ ok: true, changed: [] });
		closeDecision(a, id, { outcome: 'adopted' }, by, T0 + 3);
		expect(updateDecision(a, id, { proposal: 'Autre' }, by)).toEqual({ ok: false, reason: 'closed' });
		expect(updateDecision(a, id, { reviewOn: '2027-01-15' }, by)).toEqual({ ok: true, changed: ['reviewOn'] });
		expect(getDecision(a, id)?.reviewOn).toBe('2027-01-15');
	});

	it('lists open decisions by closing date, then closed ones, latest first', () => {
		const { doc, by } = assembly(0);
		const late = propose(doc, by, { closesAt: T0 + 3 * WEEK });
		const soon = propose(doc, by, { closesAt: T0 + WEEK });
		const closedFirst = propose(doc, by);
		const closedLast = propose(doc, by);
		closeDecision(doc, closedFirst, { outcome: 'withdrawn' }, by, T0 + 10);
		closeDecision(doc, closedLast, { outcome: 'adopted' }, by, T0 + 20);
		expect(listDecisions(doc).items.map((d) => d.id)).toEqual([soon, late, closedLast, closedFirst]);
		expect(listDecisions(doc, { status: 'open' }).items.map((d) => d.id)).toEqual([soon, late]);
		expect(listDecisions(doc, { status: 'closed' }).items.map((d) => d.status)).toEqual(['closed', 'closed']);
	});

	it('skips garbage decisions, and garbage inside a decision without hiding it', () => {
		const { doc, by } = assembly(0);
		const id = propose(doc, by);
		takePosition(doc, id, { choice: 'agree' }, by, T0 + 1);
		const map = decisionsMap(doc);
		map.set('garbage-1', 'nope');
		const noContainers = new Y.Map<unknown>();
		for (const [k, v] of Object.entries({ id: 'garbage-2-xxxxxxxxxxxx', title: 'T', proposedBy: by, process: { kind: 'consent' }, closesAt: 1, createdAt: 1, createdBy: by, updatedAt: 1, updatedBy: by })) {
			noContainers.set(k, v);
		}
		map.set('garbage-2-xxxxxxxxxxxx', noContainers);
		const entry = map.get(id) as Y.Map<unknown>;
		(entry.get('positions') as Y.Array<unknown>).push([{ id: 'p-garbage-xxxxxxxxxxx', memberId: by, choices: ['yes'], at: T0 + 9 }, 12]);
		(entry.get('comments') as Y.Array<unknown>).push([{ id: 'c-garbage-xxxxxxxxxxx', by, at: 1, text: '' }]);
		(entry.get('closings') as Y.Map<unknown>).set('k-garbage-xxxxxxxxxxx', { id: 'other-id-xxxxxxxxxxxx', outcome: 'adopted', by, at: 1 });
		const result = listDecisions(doc);
		expect(result.unreadable).toBe(2);
		expect(result.items).toHaveLength(1);
		expect(result.items[0]).toMatchObject({ id, status: 'open', unreadableParts: 4 });
		expect(result.items[0]?.positions.map((p) => p.choices)).toEqual([['agree']]);
	});
});
