import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addResource } from '../inventory/resources';
import { newId } from '../core/ids';
import { resourcesMap } from '../core/schema';
import { joinSpace } from '../space/space';
import { created, memberId, newSpace, syncDocs } from '../space/testing';
import { cancelBooking, confirmBooking, requestBooking } from './bookings';
import { availabilityView, bookingsView, slotOverlaps } from './views';

const H = 3_600_000;

describe('bookings view', () => {
	it('offers what can be booked, and names each booking by resource and by whom it is for', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		created(addResource(doc, { kind: 'food', name: 'Riz' }, by));
		// Money as an older version let people record it in the inventory: not bookable either.
		const box = new Y.Map<unknown>();
		const boxId = newId<'resource'>();
		for (const [key, value] of Object.entries({ id: boxId, kind: 'fund', name: 'Caisse', createdAt: 1, createdBy: by, updatedAt: 1, updatedBy: by })) box.set(key, value);
		resourcesMap(doc).set(boxId, box);
		const bob = memberId();
		const past = created(requestBooking(doc, { resourceId: room, start: 1 * H, end: 2 * H, to: { kind: 'collective', name: 'Chorale' } }, by));
		const later = created(requestBooking(doc, { resourceId: van, start: 10 * H, end: 12 * H, to: { kind: 'member', memberId: bob } }, by));

		const view = bookingsView(doc, { resourceId: null, from: null });
		expect(view.bookable.map((r) => r.name)).toEqual(['Camionnette', 'Salle']);
		expect(view.members.map((m) => m.name)).toEqual(['Alice']);
		expect(view.rows).toMatchObject([
			{ booking: { id: past }, resourceName: 'Salle', who: { kind: 'collective', name: 'Chorale' } },
			{ booking: { id: later }, resourceName: 'Camionnette', who: { kind: 'member', name: null } }
		]);
		expect(bookingsView(doc, { resourceId: null, from: 5 * H }).rows.map((r) => r.booking.id)).toEqual([later]);
		expect(bookingsView(doc, { resourceId: room, from: null }).rows.map((r) => r.booking.id)).toEqual([past]);

		// Bob's entry arrives from his device: his name follows.
		const his = new Y.Doc();
		syncDocs(doc, his);
		joinSpace(his, bob, 'Bob');
		syncDocs(doc, his);
		expect(bookingsView(doc, { resourceId: van, from: null }).rows[0]?.who).toEqual({ kind: 'member', name: 'Bob' });
	});
});

describe('a slot asked for', () => {
	it('names the bookings it meets when requested, whatever their state, cancelled ones aside', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		const hall = created(addResource(doc, { kind: 'room', name: 'Hall' }, by));
		const choir = created(requestBooking(doc, { resourceId: room, start: 10 * H, end: 12 * H, to: { kind: 'collective', name: 'Chorale' } }, by));
		confirmBooking(doc, choir, by);
		const asked = created(requestBooking(doc, { resourceId: room, start: 11 * H, end: 13 * H, to: { kind: 'member', memberId: by } }, by));
		const dropped = created(requestBooking(doc, { resourceId: room, start: 9 * H, end: 14 * H, to: { kind: 'member', memberId: by } }, by));
		cancelBooking(doc, dropped, by);
		created(requestBooking(doc, { resourceId: hall, start: 10 * H, end: 12 * H, to: { kind: 'member', memberId: by } }, by));

		expect(slotOverlaps(doc, { resourceId: room, start: 11.5 * H, end: 15 * H })).toMatchObject([
			{ booking: { id: choir, status: 'confirmed' }, who: { kind: 'collective', name: 'Chorale' } },
			{ booking: { id: asked, status: 'requested' }, who: { kind: 'member', name: 'Alice' } }
		]);
		// Touching ends do not overlap; a slot that ends before it starts meets nothing.
		expect(slotOverlaps(doc, { resourceId: room, start: 13 * H, end: 15 * H })).toEqual([]);
		expect(slotOverlaps(doc, { resourceId: room, start: 12 * H, end: 11 * H })).toEqual([]);
	});

	it('in the past is listed under the past, the latest first, and not among the bookings to come', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		const now = 100 * H;
		const lastYear = created(requestBooking(doc, { resourceId: room, start: 1 * H, end: 2 * H, to: { kind: 'member', memberId: by } }, by, now));
		const yesterday = created(requestBooking(doc, { resourceId: room, start: 80 * H, end: 81 * H, to: { kind: 'member', memberId: by } }, by, now));
		const tomorrow = created(requestBooking(doc, { resourceId: room, start: 120 * H, end: 121 * H, to: { kind: 'member', memberId: by } }, by, now));
		expect(bookingsView(doc, { resourceId: null, from: now }).rows.map((r) => r.booking.id)).toEqual([tomorrow]);
		expect(bookingsView(doc, { resourceId: null, from: null, endedBy: now }).rows.map((r) => r.booking.id)).toEqual([yesterday, lastYear]);
	});
});

describe('availability of a resource', () => {
	it('gives each day what takes it, a booking over midnight on both days, free days empty', () => {
		const { doc, by } = newSpace();
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		const D = 24 * H;
		const days = Array.from({ length: 7 }, (_, i) => ({ start: i * D, end: (i + 1) * D }));
		const night = created(requestBooking(doc, { resourceId: van, start: D + 20 * H, end: 2 * D + 8 * H, to: { kind: 'member', memberId: by } }, by));
		const market = created(requestBooking(doc, { resourceId: van, start: 4 * D + 9 * H, end: 4 * D + 12 * H, to: { kind: 'collective', name: 'AMAP' } }, by));
		const gone = created(requestBooking(doc, { resourceId: van, start: 5 * D, end: 5 * D + H, to: { kind: 'member', memberId: by } }, by));
		cancelBooking(doc, gone, by);
		const week = availabilityView(doc, van, days);
		expect(week.map((day) => day.busy.map((row) => row.booking.id))).toEqual([[], [night], [night], [], [market], [], []]);
		expect(availabilityView(doc, van, [days[4]!])).toMatchObject([{ start: 4 * D, busy: [{ who: { kind: 'collective', name: 'AMAP' } }] }]);
	});
});
