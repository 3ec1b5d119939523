import { describe, expect, it } from 'vitest';
import { confirmBooking, requestBooking } from '../bookings/bookings';
import { addResource, removeResource } from '../inventory/resources';
import { entry, fund, replica } from '../money/testing';
import { at, hoursNeed, moneyNeed, pledge } from '../needs/testing';
import { joinSpace } from '../space/space';
import { created, memberId, newSpace, syncDocs } from '../space/testing';
import { acknowledgeConflict } from './conflicts';
import { conflictsView, historyView, openConflictCount, transparencyView } from './views';

const H = 3_600_000;

describe('conflicts view', () => {
	it('names what each conflict is about, with its amount, what restoring would settle, and who acknowledged', () => {
		const { doc: a, by } = newSpace();
		const cash = fund(a, by, { name: 'Caisse' });
		const need = moneyNeed(a, by, { title: 'Loyer', target: 10_000, cap: 10_000 });
		const room = created(addResource(a, { kind: 'room', name: 'Salle' }, by));
		const drill = created(addResource(a, { kind: 'equipment', name: 'Perceuse' }, by));
		const lent = created(requestBooking(a, { resourceId: drill, start: 1 * H, end: 5 * H, to: { kind: 'collective', name: 'Voisins' } }, by));
		const b = replica(a);
		const bob = memberId();
		joinSpace(b, bob, 'Bob');
		entry(a, by, cash, { amount: 300, direction: 'out', category: 'purchase' });
		pledge(a, need, 7_000, by);
		pledge(b, need, 6_000, bob);
		const mine = created(requestBooking(a, { resourceId: room, start: 1 * H, end: 3 * H, to: { kind: 'member', memberId: by } }, by));
		const theirs = created(requestBooking(b, { resourceId: room, start: 2 * H, end: 4 * H, to: { kind: 'member', memberId: bob } }, bob));
		confirmBooking(a, mine, by);
		confirmBooking(b, theirs, bob);
		removeResource(b, drill, bob);
		syncDocs(a, b);

		const view = conflictsView(a, '2026-03-03');
		expect(view.acknowledged).toEqual([]);
		const byKind = new Map(view.open.map((row) => [row.conflict.kind, row]));
		expect([...byKind.keys()]).toEqual(['booking_overlap', 'negative_fund', 'over_cap', 'removed_resource_booking']);
		expect(byKind.get('negative_fund')).toMatchObject({
			subject: { name: 'Caisse', link: { to: 'money' } },
			amount: { kind: 'money', amount: -300, currency: 'EUR' },
			restorable: null
		});
		expect(byKind.get('over_cap')).toMatchObject({
			subject: { name: 'Loyer', link: { to: 'need', id: need } },
			amount: { kind: 'quantity', amount: 3_000, needKind: 'money', unit: 'EUR' }
		});
		expect(byKind.get('booking_overlap')?.bookings).toMatchObject([
			{ booking: { id: mine }, resourceName: 'Salle', who: { kind: 'member', name: 'Alice' } },
			{ booking: { id: theirs }, resourceName: 'Salle', who: { kind: 'member', name: 'Bob' } }
		]);
		expect(byKind.get('removed_resource_booking')).toMatchObject({ restorable: drill, bookings: [{ booking: { id: lent }, resourceName: 'Perceuse' }] });
		expect(openConflictCount(a, '2026-03-03')).toBe(4);

		const overdrawn = byKind.get('negative_fund')!.conflict;
		expect(acknowledgeConflict(b, overdrawn, 'Avance du trésorier', bob).ok).toBe(true);
		syncDocs(a, b);
		const after = conflictsView(a, '2026-03-03');
		expect(after.open).toHaveLength(3);
		expect(after.acknowledged).toMatchObject([
			{ conflict: { kind: 'negative_fund' }, acknowledgedBy: 'Bob', acknowledgement: { note: 'Avance du trésorier', by: bob } }
		]);
		expect(openConflictCount(a, '2026-03-03')).toBe(3);
	});

	it('links a pledge of a removed item to its need and offers to restore the item', () => {
		const { doc, by } = newSpace();
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		const need = hoursNeed(doc, by, { kind: 'goods', unit: 'jour', title: 'Déménagement', target: 2, cap: null });
		pledge(doc, need, 1, by, at('2026-03-02'), { resourceId: van });
		removeResource(doc, van, by);
		const [row] = conflictsView(doc, '2026-03-03').open;
		expect(row).toMatchObject({
			conflict: { kind: 'removed_resource_pledge', needId: need, resourceId: van },
			subject: { name: 'Déménagement', link: { to: 'need', id: need } },
			restorable: van,
			amount: null
		});
	});
});

describe('history view', () => {
	it('keeps what the filter asks for, newest first, with who did it', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', 1_700_000_000_100);
		created(addResource(doc, { kind: 'room', name: 'Salle' }, bob, 1_700_000_000_200));
		created(addResource(doc, { kind: 'room', name: 'Cour' }, by, 1_700_000_000_300));
		const all = historyView(doc, { subjectKind: null, by: null, from: null, to: null });
		expect(all.rows.map((r) => [r.record.action, r.byName])).toEqual([
			['resource.created', 'Alice'],
			['resource.created', 'Bob'],
			['member.joined', 'Bob'],
			// The space and its first member came in the same millisecond: their order is the ids'.
			...all.rows.slice(3).map((r) => [r.record.action, 'Alice'])
		]);
		expect(all.rows.slice(3).map((r) => r.record.action).sort()).toEqual(['member.joined', 'space.created']);
		expect(all.members.map((m) => m.name)).toEqual(['Alice', 'Bob']);
		expect(historyView(doc, { subjectKind: 'resource', by: bob, from: null, to: null }).rows.map((r) => r.record.summary)).toEqual(['Salle']);
		expect(historyView(doc, { subjectKind: null, by: null, from: 1_700_000_000_150, to: 1_700_000_000_250 }).rows).toHaveLength(1);
	});
});

describe('transparency view', () => {
	it('reads the period whichever way its dates were picked, and names its bookings', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		const start = new Date('2026-03-05T18:00:00').getTime();
		created(requestBooking(doc, { resourceId: room, start, end: start + 2 * H, to: { kind: 'collective', name: 'Chorale' } }, by));
		const view = transparencyView(doc, '2026-03-31', '2026-03-01');
		expect(view).toMatchObject({ from: '2026-03-01', to: '2026-03-31' });
		expect(view.bookings).toMatchObject([{ resourceName: 'Salle', who: { kind: 'collective', name: 'Chorale' } }]);
		expect(transparencyView(doc, '2026-03-01', '2026-03-31')).toEqual(view);
	});
});
