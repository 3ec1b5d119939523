import { describe, expect, it } from 'vitest';
import { FIELD_PROBLEMS, type InvalidField } from '$lib/domain/core';
import { addMemberWithoutDevice, checkMemberName, claimMember, editSpace, joinSpace, setMemberSince } from '$lib/domain/space';
import { newId } from '$lib/domain/core';
import { newSpace } from '$lib/domain/space/testing';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { refusalText, saveRefusal } from '../refusals';
import { claimRefusals, MEMBER_FIELDS, memberRefusals, memberSinceRefusals, SPACE_FIELDS, spaceRefusals, WITHOUT_DEVICE_FIELDS, withoutDeviceRefusals } from './refusals';

const field = (name: string, problem: InvalidField['problem'] = 'required'): InvalidField => ({
	ok: false,
	reason: 'invalid_field',
	field: name,
	problem,
	limit: 2000
});

describe('space and member refusals', () => {
	it('say every reason, every field and every problem in French, Italian and English', () => {
		expect(Object.keys(spaceRefusals)).toEqual(['invalid_field']);
		expect(Object.keys(memberRefusals)).toEqual(['invalid_field']);
		const samples: Sample[] = [];
		for (const name of Object.keys(SPACE_FIELDS)) samples.push({ name: `space ${name}`, text: () => refusalText(field(name), spaceRefusals) });
		for (const name of Object.keys(MEMBER_FIELDS)) samples.push({ name: `member ${name}`, text: () => refusalText(field(name), memberRefusals) });
		for (const problem of FIELD_PROBLEMS) {
			samples.push({ name: `problem ${problem}`, text: () => refusalText(field('description', problem), spaceRefusals) });
		}
		expectEveryLanguage(samples);
	});

	it('say why a membership date was refused, in every language', () => {
		const { doc, by } = newSpace();
		expect(Object.keys(memberSinceRefusals).sort()).toEqual(['invalid_field', 'member_not_found']);
		expectEveryLanguage([
			{ name: 'missing', text: () => saveRefusal(() => setMemberSince(doc, newId<'member'>(), '2026-01-01', by), memberSinceRefusals) ?? '' },
			{ name: 'not a date', text: () => saveRefusal(() => setMemberSince(doc, by, '1er janvier', by), memberSinceRefusals) ?? '' }
		]);
		expect(saveRefusal(() => setMemberSince(doc, by, '1er janvier', by), memberSinceRefusals)).toBe("« Date d'adhésion » doit être une date.");
	});

	it('say why a person without a phone could not be added or claimed, in every language', () => {
		const { doc, by } = newSpace();
		const samples: Sample[] = [];
		for (const name of Object.keys(WITHOUT_DEVICE_FIELDS)) {
			samples.push({ name: `without device ${name}`, text: () => refusalText(field(name, 'too_long'), withoutDeviceRefusals) });
		}
		samples.push({ name: 'no name', text: () => saveRefusal(() => addMemberWithoutDevice(doc, { name: ' ', memberSince: null }, by), withoutDeviceRefusals) ?? '' });
		const maria = addMemberWithoutDevice(doc, { name: 'Maria', memberSince: null }, by);
		const luca = addMemberWithoutDevice(doc, { name: 'Luca', memberSince: null }, by);
		if (!maria.ok || !luca.ok) throw new Error('not added');
		const phone = newId<'member'>();
		joinSpace(doc, phone, 'Maria R.');
		const other = newId<'member'>();
		joinSpace(doc, other, 'Bruno');
		claimMember(doc, maria.id, phone);
		const names = claimRefusals((id) => (id === phone ? 'Maria R.' : 'Maria'));
		expect(Object.keys(names).sort()).toEqual(['already_claimed', 'claims_another', 'has_device', 'member_not_found']);
		samples.push(
			{ name: 'not found', text: () => saveRefusal(() => claimMember(doc, newId<'member'>(), other), names) ?? '' },
			{ name: 'has device', text: () => saveRefusal(() => claimMember(doc, by, other), names) ?? '' },
			{ name: 'already', text: () => saveRefusal(() => claimMember(doc, maria.id, other), names) ?? '' },
			{ name: 'another', text: () => saveRefusal(() => claimMember(doc, luca.id, phone), names) ?? '' }
		);
		expectEveryLanguage(samples);
		expect(saveRefusal(() => claimMember(doc, maria.id, other), names)).toBe('Maria R. a déjà repris cette fiche.');
	});

	it('turn what the domain answers into the sentence the form shows', () => {
		const { doc, by } = newSpace();
		expect(saveRefusal(() => editSpace(doc, { name: '  ', description: '' }, by), spaceRefusals)).toBe(
			'Donnez un nom au collectif (120 caractères au plus).'
		);
		expect(saveRefusal(() => editSpace(doc, { name: 'Atelier', description: 'x'.repeat(2001) }, by), spaceRefusals)).toBe(
			'« Description » est trop long : 2000 caractères au plus.'
		);
		expect(saveRefusal(() => editSpace(doc, { name: 'Atelier des Lilas', description: '' }, by), spaceRefusals)).toBeNull();
		expect(saveRefusal(() => checkMemberName('x'.repeat(81)), memberRefusals)).toBe('Indiquez un nom (80 caractères au plus).');
		expect(checkMemberName('  Ada ')).toEqual({ ok: true, value: 'Ada' });
	});
});
