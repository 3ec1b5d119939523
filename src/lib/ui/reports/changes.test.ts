import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { listActivity, type MemberId, type ResourceId } from '$lib/domain/core';
import { addResource, getResource, updateResource } from '$lib/domain/inventory';
import { createFund, recordEntry, editEntry } from '$lib/domain/money';
import { createNeed } from '$lib/domain/needs';
import { resolveEditConflict, type ResolveEditResult } from '$lib/domain/reports';
import { created, newSpace, syncDocs } from '$lib/domain/space/testing';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { expectEveryLanguage } from '../refusals.testing';
import { refusalText, type Failure } from '../refusals';
import { changeText, fieldInput, fieldLabel, readFieldInput, recordChanges, valueText } from './changes';
import { resolveEditRefusals } from './edit-refusals';

function inLocale<T>(locale: 'fr' | 'it' | 'en', body: () => T): T {
	overwriteGetLocale(() => locale);
	try {
		return body();
	} finally {
		overwriteGetLocale(() => baseLocale);
	}
}

function riceEdited(): { doc: Y.Doc; id: ResourceId; by: MemberId } {
	const { doc, by } = newSpace();
	const id = created(addResource(doc, { kind: 'food', name: 'Riz', quantity: 25, unit: 'kg', location: 'Cave' }, by, 1_700_000_000_000));
	updateResource(doc, id, { quantity: 20, availability: 'in_use' }, by, 1_700_000_100_000);
	return { doc, id, by };
}

describe('what an edit changed, in words', () => {
	it('says a resource\'s quantity with its unit, from and to, in the reader\'s language', () => {
		const { doc } = riceEdited();
		const record = listActivity(doc, { subjectKind: 'resource' }).items[0]!;
		expect(inLocale('fr', () => recordChanges(doc, record))).toEqual(['Quantité : 25 kg → 20 kg', 'Disponibilité : Disponible → En usage']);
		expect(inLocale('en', () => recordChanges(doc, record))[0]).toBe('Quantity: 25 kg → 20 kg');
		expect(inLocale('it', () => recordChanges(doc, record))[0]).toMatch(/^Quantità: 25 kg → 20 kg$/);
		expectEveryLanguage([{ name: 'availability change', text: () => recordChanges(doc, record)[1]! }]);
	});

	it('shows money in its currency, dates as dates, a first value as set, and a record without changes as nothing', () => {
		const { doc, by } = newSpace();
		const need = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 100_000 }, by, 1_700_000_000_000);
		const context = { unit: 'EUR', currency: 'EUR', needKind: 'money' as const };
		expect(inLocale('fr', () => changeText('need', { field: 'target', from: 100_000, to: 120_050 }, context))).toMatch(/^Objectif : 1\s?000,00\s€ → 1\s?200,50\s€$/u);
		expect(inLocale('en', () => changeText('need', { field: 'deadline', from: null, to: '2026-06-30' }))).toMatch(/: Jun 30, 2026$/);
		expect(inLocale('fr', () => changeText('resource', { field: 'location', from: 'Cave', to: '' }))).toBe('Emplacement : Cave → (vide)');
		const created = listActivity(doc, { subjectKind: 'need' }).items[0]!;
		expect(created.changes).toBeUndefined();
		expect(recordChanges(doc, created)).toEqual([]);
		expect(need).toBeTruthy();
	});

	it('names the need a ledger entry was moved to, never its id', () => {
		const { doc, by } = newSpace();
		const cash = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, 1_000));
		const need = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 100_000 }, by, 1_000);
		const entryId = created(recordEntry(doc, { fundId: cash, date: '2026-01-10', amount: 1000, direction: 'out', category: 'purchase' }, by, 2_000));
		editEntry(doc, entryId, { needId: need }, by, 3_000);
		const record = listActivity(doc, { subjectKind: 'ledger' }).items[0]!;
		expect(inLocale('fr', () => recordChanges(doc, record))).toEqual(['Besoin : Loyer']);
	});

	it('reads another typed value as the field stores it, and refuses one that does not read', () => {
		const money = fieldInput('dues', 'amount', 1200, { unit: null, currency: 'EUR', needKind: null });
		expect(money).toMatchObject({ type: 'amount', value: '12.00' });
		expect(inLocale('fr', () => readFieldInput(money!, '15,50'))).toEqual({ ok: true, value: 1550 });
		expect(inLocale('fr', () => readFieldInput(money!, 'beaucoup'))).toMatchObject({ ok: false });
		expect(fieldInput('resource', 'location', 'Cave')).toEqual({ type: 'text', multiline: false, value: 'Cave' });
		expect(fieldInput('resource', 'availability', 'in_use')).toMatchObject({ type: 'choice', value: 'in_use' });
		expect(fieldInput('pledge', 'condition', null)).toBeNull();
		expect(inLocale('fr', () => valueText('dues', 'period', 'monthly'))).not.toBe('monthly');
	});
});

describe('the fields an edit notes', () => {
	it('each have a name in every language, never the stored key', () => {
		const fields: Record<string, string[]> = {
			space: ['name', 'description'],
			resource: ['kind', 'name', 'description', 'quantity', 'unit', 'location', 'expiresOn', 'availability', 'fundId'],
			need: ['kind', 'title', 'description', 'target', 'unit', 'deadline', 'cap'],
			pledge: ['amount', 'note', 'supporterName', 'condition'],
			decision: ['title', 'proposal', 'closesAt', 'reviewOn'],
			fund: ['name', 'description', 'line:AAAAAAAAAAAAAAAAAAAAAA:label', 'line:AAAAAAAAAAAAAAAAAAAAAA:planned'],
			dues: ['amount', 'currency', 'period', 'start', 'from:2027-01-01'],
			ledger: ['date', 'note', 'category', 'counterparty', 'budgetLineId', 'needId']
		};
		for (const [kind, names] of Object.entries(fields)) {
			for (const field of names) {
				// Some names are the same word in two languages ("Description"): each is checked on its own.
				for (const locale of ['fr', 'it', 'en'] as const) {
					const label = inLocale(locale, () => fieldLabel(kind, field));
					expect(label, `${kind}.${field} in ${locale}`).not.toBe(field.replace(/^line:\w+:/, ''));
					expect(label, `${kind}.${field} in ${locale}`).toMatch(/^[^{}]+$/);
				}
			}
		}
	});
});

describe('a settled edit conflict in the history', () => {
	it('says the value kept, and the change when another one was chosen', () => {
		const { doc: a, by } = newSpace();
		const id = created(addResource(a, { kind: 'food', name: 'Riz', quantity: 25, unit: 'kg' }, by, 1_700_000_000_000));
		const b = newSpace().doc;
		syncDocs(a, b);
		updateResource(a, id, { quantity: 20 }, by, 1_700_000_100_000);
		updateResource(b, id, { quantity: 18 }, by, 1_700_000_100_001);
		syncDocs(a, b);
		const edited = { kind: 'resource' as const, entity: id, field: 'quantity' };
		const shown = getResource(a, id)!.quantity;
		expect(resolveEditConflict(a, edited, shown, by, 1_700_000_200_000)).toEqual({ ok: true });
		const kept = listActivity(a, { subjectKind: 'conflict' }).items[0]!;
		expect(inLocale('fr', () => recordChanges(a, kept))).toEqual([`Quantité : ${shown} kg`]);
		// Settled apart on the other device on a third value: a new conflict, settled again.
		updateResource(b, id, { quantity: 22 }, by, 1_700_000_200_001);
		syncDocs(a, b);
		expect(resolveEditConflict(a, edited, 15, by, 1_700_000_300_000)).toEqual({ ok: true });
		const chosen = listActivity(a, { subjectKind: 'conflict' }).items[0]!;
		expect(inLocale('en', () => recordChanges(a, chosen))).toEqual([expect.stringMatching(/^Quantity: \d+ kg → 15 kg$/)]);
	});
});

describe('settling an edit conflict, refused', () => {
	it('says why in every language, with the item\'s own words for its rules', () => {
		const { doc: a, by } = newSpace();
		const id = created(addResource(a, { kind: 'vehicle', name: 'Camionnette' }, by, 1_700_000_000_000));
		const b = newSpace().doc;
		syncDocs(a, b);
		updateResource(a, id, { location: 'Parking nord' }, by, 1_700_000_100_000);
		updateResource(b, id, { location: 'Garage municipal' }, by, 1_700_000_100_001);
		syncDocs(a, b);
		const edited = { kind: 'resource' as const, entity: id, field: 'location' };
		const tooLong = resolveEditConflict(a, edited, 'x'.repeat(500), by);
		const refusals: Failure<ResolveEditResult>[] = [
			{ ok: false, reason: 'already_resolved' },
			{ ok: false, reason: 'not_found' }
		];
		if (!tooLong.ok) refusals.push(tooLong);
		expect(refusals.map((r) => r.reason)).toEqual(['already_resolved', 'not_found', 'edit_refused']);
		expectEveryLanguage(refusals.map((r) => ({ name: r.reason, text: () => refusalText(r, resolveEditRefusals(a)) })));
		expect(inLocale('fr', () => refusalText(refusals[2]!, resolveEditRefusals(a)))).toContain('Emplacement');
	});
});
