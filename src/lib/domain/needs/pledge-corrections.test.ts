import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { newId, type PledgeId } from '../core/ids';
import { createNeed } from './needs';
import { at, moneyNeed, pledge } from './testing';
import { editPledge, undoPledgeMark } from './pledge-corrections';
import { isContested } from './pledge-state';
import { addPledge, deliverPledge, getPledge, pledgeContext, withdrawPledge } from './pledges';
import { memberId, newSpace, syncDocs } from '../space/testing';
import { entry, fund } from '../money/testing';

describe('pledge corrections', () => {
	it('takes back a delivery or a withdrawal marked by mistake, and the history keeps both', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const paid = pledge(doc, needId, 2000, by);
		expect(undoPledgeMark(doc, paid, 'delivery', by)).toEqual({ ok: false, reason: 'not_marked' });
		deliverPledge(doc, paid, {}, by, at('2026-03-05'));
		expect(undoPledgeMark(doc, paid, 'delivery', by, at('2026-03-06'))).toEqual({ ok: true });
		expect(getPledge(doc, paid)).toMatchObject({ deliveredOn: null, deliveredAt: null, deliveredBy: null });
		// Promised again: it can be withdrawn, and that can be taken back too.
		expect(withdrawPledge(doc, paid, { reason: 'Erreur de saisie' }, by, at('2026-03-07'))).toEqual({ ok: true });
		expect(undoPledgeMark(doc, paid, 'withdrawal', by, at('2026-03-08'))).toEqual({ ok: true });
		expect(getPledge(doc, paid)).toMatchObject({ withdrawnOn: null, withdrawReason: '', withdrawnBy: null });
		expect(deliverPledge(doc, paid, {}, by, at('2026-03-09'))).toEqual({ ok: true });
		const actions = listActivity(doc, { subjectId: paid }).items.map((a) => a.action).sort();
		expect(actions).toEqual([
			'pledge.created',
			'pledge.delivered',
			'pledge.delivered',
			'pledge.delivery_undone',
			'pledge.withdrawal_undone',
			'pledge.withdrawn'
		]);
		expect(undoPledgeMark(doc, newId<'pledge'>(), 'delivery', by)).toEqual({ ok: false, reason: 'pledge_not_found' });
	});

	it('settles a contested pledge when one of its two marks is taken back', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by);
		const id = pledge(a, needId, 2000, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		deliverPledge(a, id, {}, by, at('2026-03-05'));
		withdrawPledge(b, id, { reason: 'Malade' }, memberId(), at('2026-03-05'));
		syncDocs(a, b);
		expect(undoPledgeMark(b, id, 'delivery', by, at('2026-03-06'))).toEqual({ ok: true });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			const settled = getPledge(doc, id);
			expect(settled).toMatchObject({ deliveredOn: null, withdrawnOn: '2026-03-05' });
			expect(settled && isContested(settled)).toBe(false);
		}
	});

	it('counts money allocated to the need against the cap when a pledge grows, exactly as when one is added', () => {
		const { doc, by } = newSpace();
		const needId = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 50_000, cap: 50_000 }, by);
		entry(doc, by, fund(doc, by), { direction: 'out', category: 'allocation', amount: 20_000, needId });
		const mine = pledge(doc, needId, 10_000, by, at('2026-03-02'));
		// 50 000 of cap, 20 000 allocated, 10 000 pledged: 20 000 left for a new pledge…
		expect(addPledge(doc, { needId, amount: 25_000, memberId: by }, by, at('2026-03-03'))).toEqual({
			ok: false,
			reason: 'over_cap',
			room: 20_000
		});
		// …and the pledge being edited may grow to 30 000 (its own 10 000 and those 20 000), no further.
		const before = Y.encodeStateAsUpdate(doc);
		expect(editPledge(doc, mine, { amount: 35_000 }, by, at('2026-03-03'))).toEqual({ ok: false, reason: 'over_cap', room: 30_000 });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
		expect(editPledge(doc, mine, { amount: 30_000 }, by, at('2026-03-03'))).toEqual({ ok: true });
		expect(getPledge(doc, mine)?.amount).toBe(30_000);
	});

	it('changes the amount or note of a promise, within the cap, and says what it was', () => {
		const { doc, by } = newSpace();
		const needId = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 50_000, cap: 50_000 }, by);
		const mine = pledge(doc, needId, 10_000, by, at('2026-03-02'));
		pledge(doc, needId, 30_000, memberId(), at('2026-03-02'));
		expect(editPledge(doc, mine, { amount: 25_000 }, by, at('2026-03-03'))).toEqual({ ok: false, reason: 'over_cap', room: 20_000 });
		expect(getPledge(doc, mine)?.amount).toBe(10_000);
		expect(editPledge(doc, mine, { amount: 20_000, note: ' virement ' }, by, at('2026-03-03'))).toEqual({ ok: true });
		expect(getPledge(doc, mine)).toMatchObject({ amount: 20_000, note: 'virement' });
		expect(listActivity(doc, { subjectId: mine }).items.filter((a) => a.action === 'pledge.edited')).toMatchObject([
			{ action: 'pledge.edited', by, summary: 'Loyer', amount: 20_000, currency: 'EUR', changes: [{ field: 'amount', from: 10_000, to: 20_000 }, { field: 'note', from: '', to: 'virement' }] }
		]);
		// Nothing changed: nothing written.
		const before = Y.encodeStateAsUpdate(doc);
		expect(editPledge(doc, mine, { amount: 20_000 }, by, at('2026-03-04'))).toEqual({ ok: true });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('makes a conditional promise firm, or a firm one conditional, and refuses a condition already past', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const stateOf = (id: PledgeId, day: string) => {
			const context = pledgeContext(doc, id, day);
			return context.ok ? context.state : context.reason;
		};
		const ifPlan = pledge(doc, needId, 2000, by, at('2026-03-02'), { condition: { threshold: 50_000, by: '2026-03-31' } });
		expect(stateOf(ifPlan, '2026-03-03')).toBe('conditional');
		// The plan goes ahead whatever happens: the promise becomes firm.
		expect(editPledge(doc, ifPlan, { condition: null }, by, at('2026-03-03'))).toEqual({ ok: true });
		expect(getPledge(doc, ifPlan)).toMatchObject({ conditionThreshold: null, conditionBy: null });
		expect(stateOf(ifPlan, '2026-03-03')).toBe('promised');
		// And back, with a new threshold; a date already past is refused, nothing written.
		expect(editPledge(doc, ifPlan, { condition: { threshold: 30_000, by: '2026-03-02' } }, by, at('2026-03-03'))).toEqual({
			ok: false,
			reason: 'condition_past'
		});
		expect(editPledge(doc, ifPlan, { condition: { threshold: 12.5, by: '2026-04-30' } }, by, at('2026-03-03'))).toMatchObject({
			reason: 'invalid_field',
			field: 'condition.threshold'
		});
		expect(editPledge(doc, ifPlan, { condition: { threshold: 30_000, by: '2026-04-30' } }, by, at('2026-03-03'))).toEqual({
			ok: true
		});
		expect(getPledge(doc, ifPlan)).toMatchObject({ conditionThreshold: 30_000, conditionBy: '2026-04-30' });
		expect(stateOf(ifPlan, '2026-03-04')).toBe('conditional');
		expect(listActivity(doc, { subjectId: ifPlan }).items.filter((a) => a.action === 'pledge.edited')).toHaveLength(2);

		// A converted pledge whose date has passed keeps its condition when only its note changes.
		const converted = pledge(doc, needId, 40_000, memberId(), at('2026-03-02'), { condition: { threshold: 40_000, by: '2026-03-10' } });
		expect(stateOf(converted, '2026-03-20')).toBe('converted');
		expect(editPledge(doc, converted, { note: 'versé en avril', condition: { threshold: 40_000, by: '2026-03-10' } }, by, at('2026-03-20'))).toEqual({
			ok: true
		});
		expect(getPledge(doc, converted)).toMatchObject({ note: 'versé en avril', conditionBy: '2026-03-10' });
	});

	it('corrects an outside supporter’s name, and only theirs', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const theirs = pledge(doc, needId, 2000, by, at('2026-03-02'), { memberId: null, supporterName: 'Velo club' });
		expect(editPledge(doc, theirs, { supporterName: ' Vélo-Club Nord ' }, by, at('2026-03-03'))).toEqual({ ok: true });
		expect(getPledge(doc, theirs)?.supporterName).toBe('Vélo-Club Nord');
		expect(editPledge(doc, theirs, { supporterName: '  ' }, by, at('2026-03-03'))).toMatchObject({ field: 'supporterName' });
		const mine = pledge(doc, needId, 1000, by);
		expect(editPledge(doc, mine, { supporterName: 'Quelqu’un' }, by, at('2026-03-03'))).toMatchObject({ field: 'supporterName' });
		expect(getPledge(doc, mine)).toMatchObject({ memberId: by, supporterName: '' });
	});

	it('leaves what was delivered or withdrawn as recorded, and refuses bad input', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const paid = pledge(doc, needId, 2000, by);
		deliverPledge(doc, paid, {}, by, at('2026-03-05'));
		expect(editPledge(doc, paid, { amount: 1000 }, by)).toEqual({ ok: false, reason: 'not_a_promise' });
		undoPledgeMark(doc, paid, 'delivery', by, at('2026-03-06'));
		expect(editPledge(doc, paid, { amount: 1000 }, by, at('2026-03-06'))).toEqual({ ok: true });
		expect(editPledge(doc, paid, { amount: 12.5 }, by)).toMatchObject({ reason: 'invalid_field', field: 'amount' });
		expect(editPledge(doc, paid, { amount: -1 }, by)).toMatchObject({ reason: 'invalid_field', field: 'amount' });
		expect(editPledge(doc, newId<'pledge'>(), { amount: 1 }, by)).toEqual({ ok: false, reason: 'pledge_not_found' });
		expect(addPledge(doc, { needId, amount: 1, memberId: by }, by)).toMatchObject({ ok: true });
	});
});
