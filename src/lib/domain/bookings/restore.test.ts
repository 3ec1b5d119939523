import { describe, expect, it } from 'vitest';
import { listActivity } from '../core/activity';
import { addResource } from '../inventory/resources';
import { created, memberId, newSpace, syncDocs } from '../space/testing';
import * as Y from 'yjs';
import { cancelBooking, confirmBooking, getBooking, requestBooking, restoreBooking } from './bookings';

const H = 3_600_000;

describe('a cancellation taken back', () => {
	it('gives the booking back its state, on every replica, and the history keeps both steps', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Grande salle' }, by));
		const id = created(requestBooking(doc, { resourceId: room, start: 10 * H, end: 12 * H, to: { kind: 'member', memberId: by } }, by));
		confirmBooking(doc, id, by);
		const asked = created(requestBooking(doc, { resourceId: room, start: 20 * H, end: 22 * H, to: { kind: 'collective', name: 'Chorale' } }, by));
		cancelBooking(doc, id, by, Date.now() + 5_000);
		cancelBooking(doc, asked, by, Date.now() + 5_000);
		expect(restoreBooking(doc, id, by, Date.now() + 6_000)).toEqual({ ok: true, status: 'confirmed' });
		expect(restoreBooking(doc, asked, by, Date.now() + 6_000)).toEqual({ ok: true, status: 'requested' });
		const other = new Y.Doc();
		syncDocs(doc, other);
		for (const replica of [doc, other]) {
			expect(getBooking(replica, id)).toMatchObject({ status: 'confirmed', cancelledAt: null, cancelledBy: null });
			expect(getBooking(replica, asked)).toMatchObject({ status: 'requested' });
		}
		expect(listActivity(doc, { subjectId: id }).items.map((a) => a.action)).toEqual(['booking.restored', 'booking.cancelled', 'booking.confirmed', 'booking.requested']);
	});

	it('is refused for a booking not cancelled or not here, and writes nothing', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Grande salle' }, by));
		const id = created(requestBooking(doc, { resourceId: room, start: 10 * H, end: 12 * H, to: { kind: 'member', memberId: by } }, by));
		const records = listActivity(doc).items.length;
		expect(restoreBooking(doc, id, by)).toEqual({ ok: false, reason: 'not_cancelled' });
		expect(restoreBooking(new Y.Doc(), id, memberId())).toEqual({ ok: false, reason: 'not_found' });
		expect(listActivity(doc).items.length).toBe(records);
	});
});
