import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { bookingsOfRemovedResources, overlappingBookings } from './conflicts';
import {
	cancelBooking,
	confirmBooking,
	getBooking,
	grantBooking,
	listBookings,
	requestBooking,
	type BookingInput
} from './bookings';
import { newId, type MemberId, type ResourceId } from '../core/ids';
import { addResource, removeResource } from '../inventory/resources';
import { bookingsMap } from '../core/schema';
import { created, memberId, newSpace, syncDocs } from '../space/testing';

const H = 3_600_000;
const DAY = 1_800_000_000_000;

function roomSpace() {
	const { doc, by } = newSpace();
	const room = created(addResource(doc, { kind: 'room', name: 'Grande salle' }, by));
	return { doc, by, room };
}

function slot(resourceId: ResourceId, fromHour: number, toHour: number, to?: MemberId): BookingInput {
	return {
		resourceId,
		start: DAY + fromHour * H,
		end: DAY + toHour * H,
		to: to ? { kind: 'member', memberId: to } : { kind: 'collective', name: 'Cantine populaire' }
	};
}

describe('bookings', () => {
	it('requests a slot for a member or another collective, then confirms it', () => {
		const { doc, by, room } = roomSpace();
		const id = created(requestBooking(doc, { ...slot(room, 18, 22, by), note: ' Assemblée ' }, by, 1000));
		expect(getBooking(doc, id)).toMatchObject({
			status: 'requested',
			to: { kind: 'member', memberId: by },
			note: 'Assemblée',
			createdBy: by,
			decisionId: null
		});
		const other = created(requestBooking(doc, slot(room, 8, 10), by));
		expect(getBooking(doc, other)?.to).toEqual({ kind: 'collective', name: 'Cantine populaire' });
		const bob = memberId();
		expect(confirmBooking(doc, id, bob, 2000)).toEqual({ ok: true, status: 'confirmed', overlaps: [] });
		expect(getBooking(doc, id)).toMatchObject({ status: 'confirmed', confirmedBy: bob, confirmedAt: 2000 });
		expect(listActivity(doc, { subjectId: id }).items.map((a) => [a.action, a.summary])).toEqual([
			['booking.confirmed', 'Grande salle'],
			['booking.requested', 'Grande salle']
		]);
	});

	it('refuses bad input with the field named, and writes nothing', () => {
		const { doc, by, room } = roomSpace();
		const before = Y.encodeStateAsUpdate(doc);
		expect(requestBooking(doc, slot(room, 10, 10), by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'end' });
		expect(requestBooking(doc, slot(room, 10, 9), by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'end' });
		expect(requestBooking(doc, { ...slot(room, 1, 2), to: { kind: 'collective', name: ' ' } }, by)).toMatchObject({
			ok: false,
			reason: 'invalid_field',
			field: 'to.name',
			problem: 'required'
		});
		expect(requestBooking(doc, { ...slot(room, 1, 2), start: -5 }, by)).toMatchObject({ reason: 'invalid_field', field: 'start' });
		expect(requestBooking(doc, slot(newId<'resource'>(), 1, 2), by)).toEqual({ ok: false, reason: 'resource_not_found' });
		removeResource(doc, room, by);
		const afterRemoval = Y.encodeStateAsUpdate(doc);
		expect(requestBooking(doc, slot(room, 1, 2), by)).toEqual({ ok: false, reason: 'resource_removed' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(afterRemoval);
		expect(before.length).toBeLessThan(afterRemoval.length);
	});

	it('validates transitions with typed results', () => {
		const { doc, by, room } = roomSpace();
		const id = created(requestBooking(doc, slot(room, 8, 10), by));
		expect(confirmBooking(doc, id, by).ok).toBe(true);
		expect(confirmBooking(doc, id, by)).toEqual({ ok: false, reason: 'not_requested', status: 'confirmed' });
		expect(cancelBooking(doc, id, by)).toEqual({ ok: true, status: 'cancelled' });
		expect(cancelBooking(doc, id, by)).toEqual({ ok: false, reason: 'already_cancelled' });
		expect(confirmBooking(doc, id, by)).toEqual({ ok: false, reason: 'not_requested', status: 'cancelled' });
		const requested = created(requestBooking(doc, slot(room, 8, 10), by));
		expect(cancelBooking(doc, requested, by).ok).toBe(true);
		expect(cancelBooking(doc, newId<'booking'>(), by)).toEqual({ ok: false, reason: 'not_found' });
		expect(confirmBooking(doc, newId<'booking'>(), by)).toEqual({ ok: false, reason: 'not_found' });
	});

	it('warns before confirming over a confirmed booking, and confirms on explicit override', () => {
		const { doc, by, room } = roomSpace();
		const first = created(requestBooking(doc, slot(room, 18, 22), by));
		confirmBooking(doc, first, by);
		const touching = created(requestBooking(doc, slot(room, 22, 23), by));
		expect(confirmBooking(doc, touching, by).ok).toBe(true);
		const second = created(requestBooking(doc, slot(room, 20, 21), by));
		const warned = confirmBooking(doc, second, by);
		expect(warned).toMatchObject({ ok: false, reason: 'overlap', overlaps: [{ id: first }] });
		expect(getBooking(doc, second)?.status).toBe('requested');
		const forced = confirmBooking(doc, second, by, Date.now(), { override: true });
		expect(forced).toMatchObject({ ok: true, overlaps: [{ id: first }] });
		expect(overlappingBookings(doc)).toMatchObject([{ resourceId: room, bookings: [{ id: first }, { id: second }] }]);
	});

	it('finds two rooms confirmed offline for the same evening on every replica', () => {
		const { doc: a, by, room } = roomSpace();
		const van = created(addResource(a, { kind: 'vehicle', name: 'Camionnette' }, by));
		const b = new Y.Doc();
		syncDocs(a, b);
		const bob = memberId();
		const onA = created(requestBooking(a, slot(room, 18, 21), by));
		confirmBooking(a, onA, by);
		const onB = created(requestBooking(b, slot(room, 20, 23, bob), bob));
		const chained = created(requestBooking(b, slot(room, 22, 24), bob));
		expect(confirmBooking(b, onB, bob).ok).toBe(true);
		expect(confirmBooking(b, chained, bob).ok).toBe(false);
		confirmBooking(b, chained, bob, Date.now(), { override: true });
		const elsewhere = created(requestBooking(b, slot(van, 18, 21), bob));
		confirmBooking(b, elsewhere, bob);
		const later = created(requestBooking(a, slot(room, 30, 31), by));
		confirmBooking(a, later, by);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			const groups = overlappingBookings(doc);
			expect(groups).toHaveLength(1);
			expect(groups[0]).toMatchObject({ resourceId: room, start: DAY + 18 * H, end: DAY + 24 * H });
			expect(groups[0]?.bookings.map((x) => x.id)).toEqual([onA, onB, chained]);
		}
		// Without the middle booking the chain falls apart: 18–21h and 22–24h do not meet.
		cancelBooking(a, onB, by);
		syncDocs(a, b);
		expect(overlappingBookings(b)).toEqual([]);
	});

	it('lets a cancellation win over a concurrent confirmation', () => {
		const { doc: a, by, room } = roomSpace();
		const id = created(requestBooking(a, slot(room, 8, 10), by));
		const b = new Y.Doc();
		syncDocs(a, b);
		confirmBooking(a, id, by);
		cancelBooking(b, id, memberId());
		syncDocs(a, b);
		for (const doc of [a, b]) expect(getBooking(doc, id)?.status).toBe('cancelled');
		expect(listActivity(a, { subjectId: id }).items).toHaveLength(3);
	});

	it('lists by resource, window and status, sorted by start', () => {
		const { doc, by, room } = roomSpace();
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		const late = created(requestBooking(doc, slot(room, 14, 16), by));
		const early = created(requestBooking(doc, slot(room, 8, 10), by));
		const loan = created(requestBooking(doc, slot(van, 9, 33), by));
		confirmBooking(doc, early, by);
		expect(listBookings(doc).items.map((b) => b.id)).toEqual([early, loan, late]);
		expect(listBookings(doc, { resourceId: room }).items.map((b) => b.id)).toEqual([early, late]);
		expect(listBookings(doc, { status: 'confirmed' }).items.map((b) => b.id)).toEqual([early]);
		expect(listBookings(doc, { from: DAY + 10 * H, to: DAY + 14 * H }).items.map((b) => b.id)).toEqual([loan]);
		expect(listBookings(doc, { from: DAY + 15 * H }).items.map((b) => b.id)).toEqual([loan, late]);
		expect(listBookings(doc, { to: DAY + 9 * H }).items.map((b) => b.id)).toEqual([early]);
	});

	it('lists standing bookings of resources removed since', () => {
		const { doc, by, room } = roomSpace();
		const drill = created(addResource(doc, { kind: 'equipment', name: 'Perceuse' }, by));
		const kept = created(requestBooking(doc, slot(room, 8, 10), by));
		const lent = created(requestBooking(doc, slot(drill, 8, 30), by));
		const asked = created(requestBooking(doc, slot(drill, 40, 50), by));
		const dropped = created(requestBooking(doc, slot(drill, 60, 70), by));
		confirmBooking(doc, lent, by);
		cancelBooking(doc, dropped, by);
		expect(bookingsOfRemovedResources(doc)).toEqual([]);
		removeResource(doc, drill, by);
		expect(bookingsOfRemovedResources(doc).map((b) => b.id)).toEqual([lent, asked]);
		expect(confirmBooking(doc, asked, by)).toEqual({ ok: false, reason: 'resource_removed' });
		expect(getBooking(doc, kept)?.status).toBe('requested');
	});

	it('writes a granted booking once under its given id, even from two replicas', () => {
		const { doc: a, by, room } = roomSpace();
		const b = new Y.Doc();
		syncDocs(a, b);
		const id = newId<'booking'>();
		const decisionId = newId<'decision'>();
		const input = { ...slot(room, 8, 10), decisionId };
		expect(grantBooking(a, id, input, by, 10)).toBe(true);
		expect(grantBooking(a, id, input, by, 11)).toBe(false);
		expect(grantBooking(b, id, input, memberId(), 12)).toBe(true);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listBookings(doc).items).toHaveLength(1);
			expect(getBooking(doc, id)).toMatchObject({ status: 'confirmed', decisionId });
		}
		expect(listActivity(a, { decisionId }).items[0]?.action).toBe('booking.granted');
	});

	it('skips and counts garbage entries', () => {
		const { doc, by, room } = roomSpace();
		requestBooking(doc, slot(room, 8, 10), by);
		const map = bookingsMap(doc);
		map.set('garbage-1', 42);
		const reversed = new Y.Map<unknown>();
		for (const [k, v] of Object.entries({ ...slot(room, 10, 8), id: 'garbage-2-xxxxxxxxxxxx', createdAt: 1, createdBy: by })) {
			reversed.set(k, v);
		}
		map.set('garbage-2-xxxxxxxxxxxx', reversed);
		const badTarget = new Y.Map<unknown>();
		for (const [k, v] of Object.entries({ ...slot(room, 8, 10), id: 'garbage-3-xxxxxxxxxxxx', createdAt: 1, createdBy: by })) {
			badTarget.set(k, v);
		}
		badTarget.set('to', { kind: 'planet', name: 'Mars' });
		map.set('garbage-3-xxxxxxxxxxxx', badTarget);
		const result = listBookings(doc);
		expect(result.items).toHaveLength(1);
		expect(result.unreadable).toBe(3);
		expect(overlappingBookings(doc)).toEqual([]);
	});
});
