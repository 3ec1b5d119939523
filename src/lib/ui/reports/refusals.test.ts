import { describe, expect, it } from 'vitest';
import { FIELD_PROBLEMS, type InvalidField } from '$lib/domain/core';
import { entry, fund } from '$lib/domain/money/testing';
import { acknowledgeConflict, openConflicts } from '$lib/domain/reports';
import { newSpace } from '$lib/domain/space/testing';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { refusalText, saveRefusal } from '../refusals';
import { ACKNOWLEDGE_FIELDS, acknowledgeRefusals } from './refusals';

const field = (name: string, problem: InvalidField['problem'] = 'required'): InvalidField => ({
	ok: false,
	reason: 'invalid_field',
	field: name,
	problem,
	limit: 500
});

describe('conflict acknowledgement refusals', () => {
	it('say every reason, every field and every problem in French, Italian and English', () => {
		const refusals = [field('note'), { ok: false, reason: 'already_acknowledged' }] as const;
		expect(refusals.map((r) => r.reason).sort()).toEqual(Object.keys(acknowledgeRefusals).sort());
		const samples: Sample[] = refusals.map((r) => ({ name: r.reason, text: () => refusalText(r, acknowledgeRefusals) }));
		for (const name of Object.keys(ACKNOWLEDGE_FIELDS)) samples.push({ name: `field ${name}`, text: () => refusalText(field(name, 'too_long'), acknowledgeRefusals) });
		for (const problem of FIELD_PROBLEMS) {
			samples.push({ name: `problem ${problem}`, text: () => refusalText(field('note', problem), acknowledgeRefusals) });
		}
		expectEveryLanguage(samples);
	});

	it('turn what the domain answers into the sentence the page shows', () => {
		const { doc, by } = newSpace();
		const cash = fund(doc, by);
		entry(doc, by, cash, { amount: 500, direction: 'out', category: 'purchase' });
		const [conflict] = openConflicts(doc, '2026-03-01');
		expect(saveRefusal(() => acknowledgeConflict(doc, conflict!, '   ', by), acknowledgeRefusals)).toBe(
			'Écrivez une courte note pour les autres membres.'
		);
		expect(saveRefusal(() => acknowledgeConflict(doc, conflict!, 'On couvre', by), acknowledgeRefusals)).toBeNull();
		expect(saveRefusal(() => acknowledgeConflict(doc, conflict!, 'Encore', by), acknowledgeRefusals)).toBe(
			"Quelqu'un a déjà pris acte de ce conflit."
		);
	});
});
