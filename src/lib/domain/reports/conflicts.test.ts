import { describe, expect, it } from 'vitest';
import { cancelBooking, confirmBooking, requestBooking } from '../bookings/bookings';
import { acknowledgeConflict, listConflicts, openConflicts } from './conflicts';
import { entry, fund, replica } from '../money/testing';
import { at, moneyNeed, pledge } from '../needs/testing';
import { addResource, removeResource } from '../inventory/resources';
import { created, memberId, newSpace, syncDocs } from '../space/testing';

const today = '2026-03-10';
const hour = 3_600_000;

describe('conflicts the merge cannot see', () => {
	it('shows the same room confirmed twice offline on both replicas, until one booking is cancelled', () => {
		const { doc: a, by } = newSpace();
		const room = created(addResource(a, { kind: 'room', name: 'Grande salle' }, by));
		const b = replica(a);
		const bob = memberId();
		const mine = created(requestBooking(a, { resourceId: room, start: at('2026-03-12'), end: at('2026-03-12') + 2 * hour, to: { kind: 'member', memberId: by } }, by));
		const theirs = created(requestBooking(b, { resourceId: room, start: at('2026-03-12') + hour, end: at('2026-03-12') + 3 * hour, to: { kind: 'collective', name: 'Cantine' } }, bob));
		expect(confirmBooking(a, mine, by).ok).toBe(true);
		expect(confirmBooking(b, theirs, bob).ok).toBe(true);
		expect(openConflicts(a, today)).toEqual([]);

		syncDocs(a, b);
		const [onA] = openConflicts(a, today);
		expect(onA).toMatchObject({ kind: 'booking_overlap', subjectId: expect.stringContaining(room) });
		expect(onA!.bookings.map((x) => x.id).sort()).toEqual([mine, theirs].sort());
		expect(openConflicts(b, today)).toEqual(openConflicts(a, today));

		cancelBooking(b, theirs, bob);
		syncDocs(a, b);
		expect(openConflicts(a, today)).toEqual([]);
		expect(openConflicts(b, today)).toEqual([]);
	});

	it('shows a fund spent below zero by two devices, and an acknowledgement that covers what was seen', () => {
		const { doc: a, by } = newSpace();
		const cash = fund(a, by);
		entry(a, by, cash, { amount: 5000, direction: 'in' });
		const b = replica(a);
		entry(a, by, cash, { amount: 4000, direction: 'out', category: 'purchase' }, 3_000);
		entry(b, by, cash, { amount: 3000, direction: 'out', category: 'purchase' }, 3_001);
		syncDocs(a, b);
		const [conflict] = openConflicts(a, today);
		expect(conflict).toMatchObject({ kind: 'negative_fund', subjectId: cash, amount: -2000 });

		expect(acknowledgeConflict(a, conflict!, 'Le trésorier avance la différence', by)).toEqual({ ok: true });
		expect(acknowledgeConflict(a, conflict!, 'Une seconde note', by)).toEqual({ ok: false, reason: 'already_acknowledged' });
		syncDocs(a, b);
		expect(openConflicts(b, today)).toEqual([]);
		expect(listConflicts(b, today)[0]?.acknowledgement).toMatchObject({ note: 'Le trésorier avance la différence', by });

		// A further overspend is a new situation: the conflict opens again.
		entry(b, by, cash, { amount: 100, direction: 'out', category: 'purchase' }, 4_000);
		expect(openConflicts(b, today).map((c) => c.kind)).toEqual(['negative_fund']);
		expect(acknowledgeConflict(b, conflict!, '  ', by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'note', problem: 'required' });
	});

	it('shows pledges past a cap after a merge, pledges of a removed item, and contested pledges', () => {
		const { doc: a, by } = newSpace();
		const need = moneyNeed(a, by, { target: 10_000, cap: 10_000 });
		const van = created(addResource(a, { kind: 'vehicle', name: 'Camionnette' }, by));
		const b = replica(a);
		pledge(a, need, 7_000, by);
		pledge(b, need, 6_000, memberId());
		syncDocs(a, b);
		const overCap = openConflicts(a, '2026-03-03').find((c) => c.kind === 'over_cap');
		expect(overCap).toMatchObject({ subjectId: need, amount: 3_000 });

		const lend = moneyNeed(a, by, { kind: 'goods', unit: 'jour', title: 'Déménagement', target: 2, cap: null } as never);
		const vanPledge = pledge(a, lend, 1, by, at('2026-03-02'), { resourceId: van });
		removeResource(a, van, by);
		expect(openConflicts(a, '2026-03-03').find((c) => c.kind === 'removed_resource_pledge')?.subjectId).toBe(vanPledge);
	});

	it('is identical on every replica whatever the merge order', () => {
		const { doc: a, by } = newSpace();
		const cash = fund(a, by);
		const b = replica(a);
		const c = replica(a);
		entry(a, by, cash, { amount: 100, direction: 'out', category: 'purchase' }, 10);
		entry(b, by, cash, { amount: 200, direction: 'out', category: 'purchase' }, 20);
		entry(c, by, cash, { amount: 250, direction: 'in' }, 30);
		syncDocs(a, b);
		syncDocs(b, c);
		syncDocs(c, a);
		syncDocs(a, b);
		expect(listConflicts(a, today)).toHaveLength(1);
		expect(listConflicts(a, today)).toEqual(listConflicts(b, today));
		expect(listConflicts(b, today)).toEqual(listConflicts(c, today));
	});
});
