import { describe, expect, it } from 'vitest';
import { FIELD_PROBLEMS, newId, type InvalidField } from '$lib/domain/core';
import { addResource, removeResource, updateResource } from '$lib/domain/inventory';
import { created, newSpace } from '$lib/domain/space/testing';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { refusalText, saveRefusal } from '../refusals';
import { RESOURCE_FIELDS, fundItemRefusals, resourceRefusals } from './refusals';

const field = (name: string, problem: InvalidField['problem'] = 'required'): InvalidField => ({
	ok: false,
	reason: 'invalid_field',
	field: name,
	problem,
	limit: 30
});

describe('inventory refusals', () => {
	it('say every reason, every field and every problem in French, Italian and English', () => {
		const refusals = [field('quantity'), { ok: false, reason: 'not_found' }, { ok: false, reason: 'removed' }, { ok: false, reason: 'money_is_not_an_item' }] as const;
		expect(refusals.map((r) => r.reason).sort()).toEqual(Object.keys(resourceRefusals).sort());
		const samples: Sample[] = refusals.map((r) => ({ name: r.reason, text: () => refusalText(r, resourceRefusals) }));
		for (const name of Object.keys(RESOURCE_FIELDS)) {
			samples.push({ name: `field ${name}`, text: () => refusalText(field(name), resourceRefusals) });
		}
		for (const problem of FIELD_PROBLEMS) {
			samples.push({ name: `problem ${problem}`, text: () => refusalText(field('unit', problem), resourceRefusals) });
		}
		expectEveryLanguage(samples);
	});

	it('say why money could not move to the money section, in every language', () => {
		const reasons = ['not_found', 'removed', 'not_money', 'already_linked', 'fund_not_found'] as const;
		expect([...reasons, 'invalid_field'].sort()).toEqual(Object.keys(fundItemRefusals).sort());
		const samples: Sample[] = reasons.map((reason) => ({ name: reason, text: () => refusalText({ ok: false, reason }, fundItemRefusals) }));
		samples.push({ name: 'currency', text: () => refusalText(field('currency', 'malformed'), fundItemRefusals) });
		samples.push({ name: 'money kind', text: () => refusalText({ ok: false, reason: 'money_is_not_an_item' }, resourceRefusals) });
		expectEveryLanguage(samples);
	});

	it('turn what the domain answers into the sentence the form shows', () => {
		const { doc, by } = newSpace();
		expect(saveRefusal(() => addResource(doc, { kind: 'food', name: '  ' }, by), resourceRefusals)).toBe('Donnez un nom à la ressource.');
		expect(saveRefusal(() => addResource(doc, { kind: 'food', name: 'Riz', unit: 'x'.repeat(31) }, by), resourceRefusals)).toBe(
			'« Unité » est trop long : 30 caractères au plus.'
		);
		const id = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		expect(saveRefusal(() => removeResource(doc, id, by), resourceRefusals)).toBeNull();
		expect(saveRefusal(() => updateResource(doc, id, { location: 'Cour' }, by), resourceRefusals)).toMatch(/retiré cette ressource/);
		expect(saveRefusal(() => updateResource(doc, newId<'resource'>(), { location: 'Cour' }, by), resourceRefusals)).toBe(
			'Cette ressource est introuvable sur cet appareil.'
		);
	});
});
