import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId, type NeedId } from '../core/ids';
import { closeNeed, createNeed, markNeedMet } from './needs';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { addPledge, deliverPledge, withdrawPledge } from './pledges';
import { listNeeds, needPledges, needProgress, needsOverCap, overCap } from './progress';
import { needsMap, pledgesMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

const unlikely = (by: string) => ({ condition: { threshold: 1_000_000, by } });

describe('need progress', () => {
	it('totals each kind of pledge, supporters and the gap, with money from elsewhere', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		const needId = moneyNeed(doc, by);
		const paid = pledge(doc, needId, 20_000, by);
		pledge(doc, needId, 30_000, bob);
		pledge(doc, needId, 10_000, by, at('2026-03-02'), { memberId: null, supporterName: 'Café Zoé', ...unlikely('2026-03-31') });
		pledge(doc, needId, 1000, by, at('2026-03-02'), { memberId: null, supporterName: 'cafe zoe', ...unlikely('2026-03-10') });
		const dropped = pledge(doc, needId, 5000, bob);
		deliverPledge(doc, paid, {}, by, at('2026-03-03'));
		withdrawPledge(doc, dropped, { reason: 'Chômage' }, bob, at('2026-03-04'));

		expect(needProgress(doc, needId, '2026-03-20', 15_000)).toEqual({
			needId,
			kind: 'money',
			unit: 'EUR',
			target: 100_000,
			cap: null,
			delivered: 35_000,
			extraDelivered: 15_000,
			promised: 30_000,
			conditional: 10_000,
			lapsed: 1000,
			withdrawn: 5000,
			supporters: 3,
			gap: 35_000,
			percentDelivered: 35,
			percentCommitted: 65,
			overCap: 0,
			status: 'open',
			contested: 0,
			unreadable: 0
		});
		expect(needProgress(doc, newId<'need'>(), '2026-03-20')).toBeUndefined();
	});

	it('counts hours and kilos exactly, and is met when deliveries reach the target', () => {
		const { doc, by } = newSpace();
		const food = createNeed(doc, { kind: 'goods', title: 'Épices', unit: 'kg', target: 0.3 }, by, at('2026-03-01'));
		for (const amount of [0.1, 0.2]) deliverPledge(doc, pledge(doc, food, amount, by), {}, by, at('2026-03-03'));
		expect(needProgress(doc, food, '2026-03-03')).toMatchObject({ delivered: 0.3, gap: 0, percentDelivered: 100, status: 'met' });
		const oil = createNeed(doc, { kind: 'goods', title: 'Huile', unit: 'l', target: 0.17 }, by, at('2026-03-01'));
		deliverPledge(doc, pledge(doc, oil, 0.17, by), {}, by, at('2026-03-03'));
		expect(needProgress(doc, oil, '2026-03-03')?.percentDelivered).toBe(100);
		const work = hoursNeed(doc, by, { target: 10 });
		pledge(doc, work, 2.5, by);
		expect(needProgress(doc, work, '2026-03-03')).toMatchObject({ promised: 2.5, gap: 7.5, percentCommitted: 25, status: 'open' });
	});

	it('is met once half-deliveries recorded on two offline phones meet', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by, { target: 10_000 });
		const first = pledge(a, needId, 5000, by);
		const second = pledge(a, needId, 5000, memberId());
		const b = new Y.Doc();
		syncDocs(a, b);
		deliverPledge(a, first, {}, by, at('2026-03-05'));
		deliverPledge(b, second, {}, memberId(), at('2026-03-05'));
		expect(needProgress(a, needId, '2026-03-05')?.status).toBe('open');
		syncDocs(a, b);
		for (const doc of [a, b]) expect(needProgress(doc, needId, '2026-03-05')).toMatchObject({ status: 'met', delivered: 10_000 });
	});

	it('shows the hand-set status over the numbers', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		markNeedMet(doc, needId, by);
		expect(needProgress(doc, needId, '2026-03-05')?.status).toBe('met');
		closeNeed(doc, needId, by);
		expect(needProgress(doc, needId, '2026-03-05')?.status).toBe('closed');
	});

	it('skips pledges whose amount does not fit the need’s unit', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by);
		const id = pledge(doc, needId, 1000, by);
		const entry = pledgesMap(doc).get(id);
		if (entry instanceof Y.Map) entry.set('amount', 10.5);
		expect(needProgress(doc, needId, '2026-03-05')).toMatchObject({ promised: 0, unreadable: 1 });
		expect(needPledges(doc, needId, '2026-03-05')).toEqual({ items: [], unreadable: 1 });
	});

	it('lists pledges with their state and contested marks', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by);
		const firm = pledge(a, needId, 1000, by, at('2026-03-02'));
		const maybe = pledge(a, needId, 2000, by, at('2026-03-03'), unlikely('2026-03-31'));
		const b = new Y.Doc();
		syncDocs(a, b);
		deliverPledge(a, firm, {}, by, at('2026-03-04'));
		withdrawPledge(b, firm, { reason: 'Oubli' }, by, at('2026-03-04'));
		syncDocs(a, b);
		expect(needPledges(a, needId, '2026-03-05').items.map((p) => [p.id, p.state, p.contested])).toEqual([
			[firm, 'delivered', true],
			[maybe, 'conditional', false]
		]);
		expect(needProgress(b, needId, '2026-04-01')).toMatchObject({ contested: 1, lapsed: 2000 });
		expect(needPledges(a, newId<'need'>(), '2026-03-05')).toEqual({ items: [], unreadable: 0 });
	});
});

describe('caps passed after a merge', () => {
	it('names the pledges that no longer fit, in order of creation, on every replica', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by, { target: 10_000, cap: 12_000 });
		const b = new Y.Doc();
		syncDocs(a, b);
		const first = pledge(a, needId, 8000, by, at('2026-03-02'));
		const second = pledge(b, needId, 7000, memberId(), at('2026-03-03'));
		expect(overCap(a, needId, '2026-03-04')).toBeNull();
		syncDocs(a, b);
		for (const doc of [a, b]) {
			const overflow = overCap(doc, needId, '2026-03-04');
			expect(overflow).toMatchObject({ needId, cap: 12_000, total: 15_000, over: 3000, beyond: [second] });
			expect(overflow?.pledges.map((p) => p.id)).toEqual([first, second]);
			expect(needsOverCap(doc, '2026-03-04').map((o) => o.needId)).toEqual([needId]);
			expect(needProgress(doc, needId, '2026-03-04')?.overCap).toBe(3000);
		}
		expect(overCap(a, needId, '2026-03-04', 5000)?.beyond).toEqual([first, second]);
		withdrawPledge(a, second, { reason: 'Trop tard' }, by, at('2026-03-05'));
		expect(overCap(a, needId, '2026-03-05')).toBeNull();
		expect(needsOverCap(a, '2026-03-05', () => 5000).map((o) => o.over)).toEqual([1000]);
		expect(overCap(a, newId<'need'>())).toBeNull();
	});
});

describe('list of needs', () => {
	it('shows open needs by nearest deadline, then met, then closed, filtered by derived status', () => {
		const { doc, by } = newSpace();
		const later = moneyNeed(doc, by, { title: 'Loyer d’avril', deadline: '2026-04-30' }, 1);
		const sooner = moneyNeed(doc, by, { title: 'Loyer de mars', deadline: '2026-03-31' }, 2);
		const undated = hoursNeed(doc, by, { title: 'Réparer le toit' }, 3);
		const met = hoursNeed(doc, by, { title: 'Peinture', target: 4 }, 4);
		deliverPledge(doc, pledge(doc, met, 4, by), {}, by, at('2026-03-03'));
		const closed = moneyNeed(doc, by, { title: 'Caution' }, 5);
		closeNeed(doc, closed, by);
		const undated2 = hoursNeed(doc, by, { title: 'Cuisine' }, 6);
		needsMap(doc).set('garbage', 'x');

		const all = listNeeds(doc);
		expect(all.items.map((n) => n.id)).toEqual([sooner, later, undated, undated2, met, closed]);
		expect(all.items.map((n) => n.effectiveStatus)).toEqual(['open', 'open', 'open', 'open', 'met', 'closed']);
		expect(all.unreadable).toBe(1);
		expect(listNeeds(doc, { status: 'met' }).items.map((n) => n.id)).toEqual([met]);
		expect(listNeeds(doc, { kind: 'time', status: 'open' }).items.map((n) => n.id)).toEqual([undated, undated2]);
		expect(listNeeds(doc, { search: 'TOIT' }).items.map((n) => n.id)).toEqual([undated]);
		expect(listNeeds(doc, { search: 'loyer d avril' }).items).toHaveLength(0);
		expect(listNeeds(doc, { search: 'avril' }).items.map((n) => n.id)).toEqual([later]);
		const funded = (id: NeedId) => (id === later ? 100_000 : 0);
		expect(listNeeds(doc, { status: 'met', extraDelivered: funded }).items.map((n) => n.id)).toEqual([later, met]);
	});
});

describe('convergence', () => {
	it('shows the same progress and states on replicas that met in different orders', () => {
		const { doc: origin, by } = newSpace();
		const needId = moneyNeed(origin, by, { target: 50_000, cap: 60_000 });
		const replicas = [0, 1, 2].map(() => {
			const doc = new Y.Doc();
			syncDocs(origin, doc);
			return doc;
		});
		const shares = { condition: { threshold: 40_000, by: '2026-03-20' } };
		replicas.forEach((doc, i) => {
			const who = memberId();
			const day = (d: number) => at(`2026-03-${String(d + i).padStart(2, '0')}`);
			const firm = pledge(doc, needId, 6000 + i * 1000, who, day(2));
			pledge(doc, needId, 9000, who, day(3), shares);
			const extra = addPledge(doc, { needId, amount: 12_000, memberId: who, ...shares }, who, day(4));
			if (i === 0) deliverPledge(doc, firm, {}, who, day(5));
			if (i === 1 && extra.ok) withdrawPledge(doc, extra.id, { reason: 'Imprévu' }, who, day(25));
			if (i === 2) withdrawPledge(doc, firm, { reason: 'Départ' }, who, day(6));
		});
		const updates = replicas.map((doc) => Y.encodeStateAsUpdate(doc));
		const views = [
			[0, 1, 2],
			[2, 1, 0],
			[1, 2, 0]
		].map((order) => {
			const doc = new Y.Doc();
			for (const i of order) Y.applyUpdate(doc, updates[i] as Uint8Array);
			return JSON.stringify([
				needProgress(doc, needId, '2026-03-30'),
				needPledges(doc, needId, '2026-03-30'),
				overCap(doc, needId, '2026-03-30')
			]);
		});
		expect(new Set(views).size).toBe(1);
		// Alone, each replica's shares lapse (28 000 < 40 000), and its late withdrawal was refused
		// for that reason; together they convert (76 000), and pass the cap no one could see.
		expect(needProgress(replicas[1] as Y.Doc, needId, '2026-03-30')).toMatchObject({ lapsed: 21_000, promised: 7000 });
		expect(JSON.parse(views[0] as string)[0]).toMatchObject({
			delivered: 6000,
			promised: 70_000,
			conditional: 0,
			lapsed: 0,
			withdrawn: 8000,
			overCap: 16_000
		});
	});
});
