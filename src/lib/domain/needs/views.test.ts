import { describe, expect, it } from 'vitest';
import { newId } from '../core/ids';
import { addResource } from '../inventory/resources';
import { entry, fund } from '../money/testing';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';
import { closeNeed } from './needs';
import { deliverPledge } from './pledges';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { needPageView, needsListView } from './views';

const all = { status: null, kind: null, search: '' } as const;

describe('the needs pages’ views', () => {
	it('list needs with their progress, money allocated beyond the delivered pledges counted as delivered', () => {
		const { doc, by } = newSpace();
		const rent = moneyNeed(doc, by, { title: 'Loyer', target: 10_000, deadline: '2026-04-01' });
		const work = hoursNeed(doc, by, { title: 'Chantier', target: 10 });
		const old = hoursNeed(doc, by, { title: 'Ancien chantier' });
		closeNeed(doc, old, by);
		entry(doc, by, fund(doc, by), { direction: 'out', category: 'allocation', amount: 10_000, needId: rent });
		deliverPledge(doc, pledge(doc, rent, 4000, by), {}, by, at('2026-03-03'));
		pledge(doc, work, 2.5, by);

		const list = needsListView(doc, '2026-03-04', all);
		expect(list.unreadable).toBe(0);
		expect(list.items.map((n) => n.title)).toEqual(['Chantier', 'Loyer', 'Ancien chantier']);
		expect(list.items[1]).toMatchObject({
			id: rent,
			kind: 'money',
			deadline: '2026-04-01',
			progress: { delivered: 10_000, extraDelivered: 6000, status: 'met', percentDelivered: 100 }
		});
		expect(list.items[0]?.progress).toMatchObject({ promised: 2.5, gap: 7.5, status: 'open' });
		expect(needsListView(doc, '2026-03-04', { ...all, status: 'met' }).items.map((n) => n.id)).toEqual([rent]);
		expect(needsListView(doc, '2026-03-04', { ...all, kind: 'time', search: 'ancien' }).items.map((n) => n.id)).toEqual([old]);
	});

	it('show one need with its pledges, who made them, its allocations and the inventory', () => {
		const { doc, by } = newSpace();
		const bruno = memberId();
		joinSpace(doc, bruno, 'Bruno', 1000);
		const stranger = memberId();
		const needId = moneyNeed(doc, by, { target: 50_000, cap: 60_000 });
		addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by);
		entry(doc, by, fund(doc, by), { direction: 'out', category: 'allocation', amount: 30_000, needId });
		const mine = pledge(doc, needId, 10_000, by, at('2026-03-02'));
		const theirs = pledge(doc, needId, 5000, bruno, at('2026-03-03'), { memberId: null, supporterName: 'Vélo-Club' });
		const his = pledge(doc, needId, 3000, bruno, at('2026-03-04'), { memberId: bruno });
		const unknown = pledge(doc, needId, 1000, stranger, at('2026-03-05'), { memberId: stranger });
		deliverPledge(doc, mine, {}, by, at('2026-03-06'));

		const page = needPageView(doc, needId, '2026-03-07');
		expect(page).not.toBeNull();
		expect(page?.need).toMatchObject({ id: needId, title: 'Loyer', cap: 60_000 });
		// The allocation spends the delivered pledge's 10 000 and 20 000 more: 30 000 in all, not 40 000.
		expect(page?.funding).toMatchObject({ pledged: 10_000, earmarked: 0, spent: 30_000, counted: 30_000, extra: 20_000 });
		expect(page?.progress).toMatchObject({ delivered: 30_000, extraDelivered: 20_000, promised: 9000, supporters: 4 });
		expect(page?.pledges.items.map((p) => [p.id, p.pledgerName, p.state])).toEqual([
			[mine, 'Alice', 'delivered'],
			[theirs, 'Vélo-Club', 'promised'],
			[his, 'Bruno', 'promised'],
			[unknown, null, 'promised']
		]);
		expect(page?.resources.map((r) => r.name)).toEqual(['Camionnette']);
		expect(needPageView(doc, newId<'need'>(), '2026-03-07')).toBeNull();
	});
});
