import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addResource } from '../inventory/resources';
import { newId } from '../core/ids';
import { resourcesMap } from '../core/schema';
import { joinSpace } from '../space/space';
import { created, memberId, newSpace, syncDocs } from '../space/testing';
import { requestBooking } from './bookings';
import { bookingsView } from './views';

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
