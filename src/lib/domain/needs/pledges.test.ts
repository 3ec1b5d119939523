import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { newId } from '../core/ids';
import { closeNeed, createNeed } from './needs';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { isContested } from './pledge-state';
import { addPledge, deliverPledge, getPledge, listPledges, withdrawPledge } from './pledges';
import { addResource } from '../inventory/resources';
import { pledgesMap } from '../core/schema';
import { entry, fund, replica } from '../money/testing';
import { created, memberId, newSpace, syncDocs } from '../space/testing';

describe('pledges', () => {
	it('records a member’s pledge and an outside supporter’s, in the need’s unit', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const result = addPledge(doc, { needId, memberId: by, amount: 1250, note: ' pour mars ' }, by, at('2026-03-02'));
		expect(result).toMatchObject({ ok: true });
		const id = result.ok ? result.id : newId<'pledge'>();
		expect(getPledge(doc, id)).toMatchObject({
			needId,
			memberId: by,
			supporterName: '',
			amount: 1250,
			note: 'pour mars',
			pledgedOn: '2026-03-02',
			conditionThreshold: null,
			deliveredOn: null,
			withdrawnOn: null,
			createdBy: by
		});
		expect(listActivity(doc, { subjectId: id }).items).toMatchObject([
			{ action: 'pledge.created', by, summary: 'Loyer', amount: 1250, currency: 'EUR' }
		]);
		const outside = pledge(doc, needId, 5000, by, at('2026-03-03'), { memberId: null, supporterName: 'Syndicat CGIL' });
		expect(getPledge(doc, outside)).toMatchObject({ memberId: null, supporterName: 'Syndicat CGIL', createdBy: by });
	});

	it('takes hours, kilos and an inventory item through the same path', () => {
		const { doc, by } = newSpace();
		const work = hoursNeed(doc, by);
		const hours = pledge(doc, work, 2.5, by);
		expect(listActivity(doc, { subjectId: hours }).items[0]).toMatchObject({ summary: 'Chantier', quantity: 2.5, unit: 'h' });
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		const move = createNeed(doc, { kind: 'other', title: 'Déménagement', unit: 'jour', target: 2 }, by);
		const lent = pledge(doc, move, 1, by, at('2026-03-02'), { resourceId: van });
		expect(getPledge(doc, lent)).toMatchObject({ resourceId: van, amount: 1 });
		expect(() => pledge(doc, move, 1, by, at('2026-03-02'), { resourceId: newId<'resource'>() })).toThrow(/resource_not_found/);
	});

	it('refuses invalid input naming the field, and writes nothing', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const before = Y.encodeStateAsUpdate(doc);
		const add = (input: Record<string, unknown>) => () =>
			addPledge(doc, { needId, amount: 100, memberId: by, ...input }, by, at('2026-03-02'));
		const field = (name: string) => ({ ok: false, reason: 'invalid_field', field: name });
		expect(add({ memberId: null })()).toMatchObject(field('supporterName'));
		expect(add({ supporterName: 'Aussi quelqu’un' })()).toMatchObject(field('supporterName'));
		expect(add({ amount: 12.5 })()).toMatchObject(field('amount'));
		expect(add({ amount: 0 })()).toMatchObject(field('amount'));
		expect(add({ condition: { threshold: 10.5, by: '2026-04-01' } })()).toMatchObject(field('condition.threshold'));
		expect(add({ condition: { threshold: 1000, by: '2026-03-01' } })()).toEqual({ ok: false, reason: 'condition_past' });
		expect(add({ needId: newId<'need'>() })()).toEqual({ ok: false, reason: 'need_not_found' });
		expect(add({ needId: 'x' })()).toMatchObject(field('needId'));
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('refuses a pledge past the cap, telling how much room is left', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by, { target: 10_000, cap: 12_000 });
		pledge(doc, needId, 8000, by);
		const conditional = pledge(doc, needId, 3000, memberId(), at('2026-03-02'), {
			condition: { threshold: 50_000, by: '2026-03-31' }
		});
		expect(addPledge(doc, { needId, amount: 1500, memberId: by }, by, at('2026-03-03'))).toEqual({
			ok: false,
			reason: 'over_cap',
			room: 1000
		});
		// Money allocated to the need (here on a copy of the space) takes its share of the cap.
		const allocated = replica(doc);
		entry(allocated, by, fund(allocated, by), { direction: 'out', category: 'allocation', amount: 500, needId });
		expect(addPledge(allocated, { needId, amount: 1000, memberId: by }, by, at('2026-03-03'))).toMatchObject({
			ok: false,
			room: 500
		});
		withdrawPledge(doc, conditional, { reason: 'Changement de projet' }, by, at('2026-03-04'));
		expect(addPledge(doc, { needId, amount: 4000, memberId: by }, by, at('2026-03-05'))).toMatchObject({ ok: true });
		expect(listPledges(doc, { needId }).items).toHaveLength(3);
	});

	it('lets a lapsed conditional pledge free its room under the cap', () => {
		const { doc, by } = newSpace();
		const needId = hoursNeed(doc, by, { target: 10, cap: 10 });
		pledge(doc, needId, 6, by, at('2026-03-02'), { condition: { threshold: 10, by: '2026-03-10' } });
		expect(addPledge(doc, { needId, amount: 5, memberId: by }, by, at('2026-03-09'))).toMatchObject({ reason: 'over_cap', room: 4 });
		expect(addPledge(doc, { needId, amount: 5, memberId: by }, by, at('2026-03-11'))).toMatchObject({ ok: true });
	});

	it('refuses pledges to a closed need', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		closeNeed(doc, needId, by);
		expect(addPledge(doc, { needId, amount: 100, memberId: by }, by)).toEqual({ ok: false, reason: 'need_closed' });
	});

	it('moves from promised to delivered or withdrawn, and no further', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const paid = pledge(doc, needId, 2000, by);
		expect(deliverPledge(doc, paid, { deliveredOn: '2026-03-06' }, by, at('2026-03-05'))).toEqual({ ok: false, reason: 'delivery_ahead' });
		expect(deliverPledge(doc, paid, { deliveredOn: '6 mars' }, by, at('2026-03-05'))).toMatchObject({ field: 'deliveredOn' });
		expect(deliverPledge(doc, paid, { deliveredOn: '2026-03-04' }, by, at('2026-03-05'))).toEqual({ ok: true });
		expect(getPledge(doc, paid)).toMatchObject({ deliveredOn: '2026-03-04', deliveredBy: by, deliveredAt: at('2026-03-05') });
		expect(withdrawPledge(doc, paid, { reason: 'Erreur' }, by)).toEqual({ ok: false, reason: 'already_delivered' });
		expect(deliverPledge(doc, paid, {}, by)).toEqual({ ok: false, reason: 'already_delivered' });

		const dropped = pledge(doc, needId, 3000, by);
		expect(withdrawPledge(doc, dropped, { reason: '  ' }, by)).toMatchObject({ reason: 'invalid_field', field: 'reason' });
		expect(withdrawPledge(doc, dropped, { reason: 'Plus de travail' }, by, at('2026-03-07'))).toEqual({ ok: true });
		expect(getPledge(doc, dropped)).toMatchObject({ withdrawnOn: '2026-03-07', withdrawReason: 'Plus de travail', withdrawnBy: by });
		expect(deliverPledge(doc, dropped, {}, by)).toEqual({ ok: false, reason: 'already_withdrawn' });
		expect(withdrawPledge(doc, dropped, { reason: 'Encore' }, by)).toEqual({ ok: false, reason: 'already_withdrawn' });
		expect(deliverPledge(doc, newId<'pledge'>(), {}, by)).toEqual({ ok: false, reason: 'pledge_not_found' });

		const actions = listActivity(doc, { subjectKind: 'pledge' }).items.map((a) => a.action).sort();
		expect(actions).toEqual(['pledge.created', 'pledge.created', 'pledge.delivered', 'pledge.withdrawn']);
	});

	it('delivers a conditional pledge only once it has converted, and never a lapsed one', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const share = { condition: { threshold: 30_000, by: '2026-03-15' } };
		const first = pledge(doc, needId, 10_000, by, at('2026-03-02'), share);
		expect(deliverPledge(doc, first, {}, by, at('2026-03-03'))).toEqual({ ok: false, reason: 'condition_pending' });
		pledge(doc, needId, 20_000, memberId(), at('2026-03-04'), share);
		expect(deliverPledge(doc, first, {}, by, at('2026-03-05'))).toEqual({ ok: true });

		const other = moneyNeed(doc, by);
		const late = pledge(doc, other, 10_000, by, at('2026-03-02'), share);
		expect(deliverPledge(doc, late, {}, by, at('2026-03-16'))).toEqual({ ok: false, reason: 'lapsed' });
		expect(withdrawPledge(doc, late, { reason: 'x' }, by, at('2026-03-16'))).toEqual({ ok: false, reason: 'lapsed' });
	});

	it('keeps both marks when one phone delivers and another withdraws offline', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by);
		const id = pledge(a, needId, 2000, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		expect(deliverPledge(a, id, {}, by, at('2026-03-05'))).toEqual({ ok: true });
		expect(withdrawPledge(b, id, { reason: 'Malade' }, memberId(), at('2026-03-05'))).toEqual({ ok: true });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			const merged = getPledge(doc, id);
			expect(merged).toMatchObject({ deliveredOn: '2026-03-05', withdrawnOn: '2026-03-05', withdrawReason: 'Malade' });
			expect(merged && isContested(merged)).toBe(true);
			expect(withdrawPledge(doc, id, { reason: 'x' }, by)).toEqual({ ok: false, reason: 'already_delivered' });
		}
	});

	it('lists by need or member in order of creation, skipping garbage', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		const rent = moneyNeed(doc, by);
		const work = hoursNeed(doc, by);
		const p1 = pledge(doc, rent, 100, by, at('2026-03-03'));
		const p2 = pledge(doc, work, 3, bob, at('2026-03-02'));
		const p3 = pledge(doc, rent, 200, bob, at('2026-03-04'));
		expect(listPledges(doc).items.map((p) => p.id)).toEqual([p2, p1, p3]);
		expect(listPledges(doc, { needId: rent }).items.map((p) => p.id)).toEqual([p1, p3]);
		expect(listPledges(doc, { memberId: bob }).items.map((p) => p.id)).toEqual([p2, p3]);
		const map = pledgesMap(doc);
		map.set('garbage-1-xxxxxxxxxxxx', 42);
		const noOne = new Y.Map<unknown>();
		for (const [key, value] of Object.entries({ ...getPledge(doc, p1), id: 'garbage-2-xxxxxxxxxxxx', memberId: null })) {
			noOne.set(key, value);
		}
		map.set('garbage-2-xxxxxxxxxxxx', noOne);
		const halfCondition = new Y.Map<unknown>();
		for (const [key, value] of Object.entries({ ...getPledge(doc, p1), id: 'garbage-3-xxxxxxxxxxxx', conditionBy: '2026-04-01' })) {
			halfCondition.set(key, value);
		}
		map.set('garbage-3-xxxxxxxxxxxx', halfCondition);
		expect(listPledges(doc)).toMatchObject({ unreadable: 3 });
		expect(listPledges(doc).items).toHaveLength(3);
	});
});
