import { describe, expect, it } from 'vitest';
import { FIELD_PROBLEMS, newId, type InvalidField } from '$lib/domain/core';
import { cancelBooking, requestBooking } from '$lib/domain/bookings';
import { addResource } from '$lib/domain/inventory';
import { created, newSpace } from '$lib/domain/space/testing';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { refusalText, saveRefusal, type RefusalMessages } from '../refusals';
import { BOOKING_FIELDS, bookingMarkRefusals, requestRefusals, restoreRefusals, returnRefusals } from './refusals';

const field = (name: string, problem: InvalidField['problem'] = 'required'): InvalidField => ({
	ok: false,
	reason: 'invalid_field',
	field: name,
	problem,
	limit: 120
});

function samplesOf<R extends { ok: false; reason: string }>(name: string, table: RefusalMessages<R>, refusals: R[]): Sample[] {
	expect(refusals.map((r) => r.reason).sort(), `${name}: one sample per reason`).toEqual(Object.keys(table).sort());
	return refusals.map((refusal) => ({ name: `${name}: ${refusal.reason}`, text: () => refusalText(refusal, table) }));
}

describe('booking refusals', () => {
	it('say every reason, every field and every problem in French, Italian and English', () => {
		const samples = [
			...samplesOf('request', requestRefusals, [
				field('to.name'),
				{ ok: false, reason: 'resource_not_found' },
				{ ok: false, reason: 'resource_removed' }
			]),
			...samplesOf('confirm or cancel', bookingMarkRefusals, [
				{ ok: false, reason: 'overlap', overlaps: [] },
				{ ok: false, reason: 'not_requested', status: 'cancelled' },
				{ ok: false, reason: 'resource_removed' },
				{ ok: false, reason: 'already_cancelled' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('return', returnRefusals, [
				{ ok: false, reason: 'not_confirmed' },
				{ ok: false, reason: 'already_returned' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('restore', restoreRefusals, [
				{ ok: false, reason: 'not_cancelled' },
				{ ok: false, reason: 'not_found' }
			])
		];
		for (const name of Object.keys(BOOKING_FIELDS)) {
			samples.push({ name: `field ${name}`, text: () => refusalText(field(name), requestRefusals) });
		}
		for (const problem of FIELD_PROBLEMS) {
			samples.push({ name: `problem ${problem}`, text: () => refusalText(field('note', problem), requestRefusals) });
		}
		expectEveryLanguage(samples);
	});

	it('turn what the domain answers into the sentence the page shows', () => {
		const { doc, by } = newSpace();
		const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		const slot = { resourceId: room, start: 10_000, end: 20_000, to: { kind: 'member', memberId: by } } as const;
		expect(saveRefusal(() => requestBooking(doc, { ...slot, end: 10_000 }, by), requestRefusals)).toBe('La fin doit venir après le début.');
		expect(saveRefusal(() => requestBooking(doc, { ...slot, to: { kind: 'collective', name: ' ' } }, by), requestRefusals)).toBe(
			'« Nom du collectif » est à remplir.'
		);
		const id = created(requestBooking(doc, slot, by));
		expect(saveRefusal(() => cancelBooking(doc, id, by), bookingMarkRefusals)).toBeNull();
		expect(saveRefusal(() => cancelBooking(doc, id, by), bookingMarkRefusals)).toBe('Cette réservation est déjà annulée.');
		expect(saveRefusal(() => cancelBooking(doc, newId<'booking'>(), by), bookingMarkRefusals)).toBe(
			'Cette réservation est introuvable sur cet appareil.'
		);
	});
});
