import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '../core/ids';
import { resourcesMap } from '../core/schema';
import { balancesOf } from '../money/balances';
import { createFund, listFunds } from '../money/funds';
import { readLedger } from '../money/ledger';
import { created, newSpace, syncDocs } from '../space/testing';
import { linkToFund, moveToFund, openingAmount, unitCurrency } from './fund-items';
import { OFFERED_RESOURCE_KINDS, addResource, getResource, updateResource } from './resources';

/** An item of kind 'fund', as the inventory let anyone write it before. */
function oldFundItem(doc: Y.Doc, by: string, fields: Record<string, unknown> = {}) {
	const id = newId<'resource'>();
	const entry = new Y.Map<unknown>();
	const values = { id, kind: 'fund', name: 'Caisse des fêtes', description: '', quantity: 400, unit: 'EUR', location: '', expiresOn: null, availability: 'available', createdAt: 1, createdBy: by, updatedAt: 1, updatedBy: by, removedAt: null, removedBy: null, ...fields };
	for (const [key, value] of Object.entries(values)) entry.set(key, value);
	resourcesMap(doc).set(id, entry);
	return id;
}

describe('money in the inventory', () => {
	it('is no longer a kind a new item can have, nor one an item can be changed to', () => {
		const { doc, by } = newSpace();
		expect(OFFERED_RESOURCE_KINDS).not.toContain('fund');
		expect(OFFERED_RESOURCE_KINDS).toContain('equipment');
		const before = Y.encodeStateAsUpdate(doc);
		expect(addResource(doc, { kind: 'fund', name: 'Caisse' }, by)).toEqual({ ok: false, reason: 'money_is_not_an_item' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
		const drill = created(addResource(doc, { kind: 'equipment', name: 'Perceuse' }, by));
		expect(updateResource(doc, drill, { kind: 'fund' }, by)).toEqual({ ok: false, reason: 'money_is_not_an_item' });
		// An old item keeps reading, and can still be edited as it is.
		const old = oldFundItem(doc, by);
		expect(getResource(doc, old)).toMatchObject({ kind: 'fund', quantity: 400, fundId: null });
		expect(updateResource(doc, old, { kind: 'fund', location: 'Bureau' }, by)).toMatchObject({ ok: true, changed: true });
	});

	it('becomes a fund in one step, its amount the fund’s first entry, and reaches the balances', () => {
		const { doc, by } = newSpace();
		const old = oldFundItem(doc, by);
		const phone = new Y.Doc();
		syncDocs(doc, phone);
		const moved = moveToFund(doc, old, { currency: 'eur', date: '2026-12-04' }, by, 10_000);
		if (!moved.ok) throw new Error(moved.reason);
		syncDocs(doc, phone);
		for (const replica of [doc, phone]) {
			const [fund] = listFunds(replica).items;
			expect(fund).toMatchObject({ id: moved.fundId, name: 'Caisse des fêtes', kind: 'cash', currency: 'EUR' });
			const ledger = readLedger(replica);
			expect(ledger.items).toMatchObject([{ id: moved.entryId, fundId: moved.fundId, amount: 40_000, direction: 'in', category: 'other', date: '2026-12-04' }]);
			expect(balancesOf([fund!], ledger)[0]).toMatchObject({ balance: 40_000 });
			expect(getResource(replica, old)).toMatchObject({ kind: 'fund', fundId: moved.fundId });
		}
		// Twice would count the money twice.
		expect(moveToFund(doc, old, { currency: 'EUR', date: '2026-12-04' }, by)).toEqual({ ok: false, reason: 'already_linked' });
		expect(listFunds(doc).items).toHaveLength(1);
	});

	it('links to a fund that already holds the money, and refuses what is not money', () => {
		const { doc, by } = newSpace();
		const old = oldFundItem(doc, by, { quantity: null, unit: '' });
		const bank = created(createFund(doc, { name: 'Compte', kind: 'bank', currency: 'EUR' }, by));
		expect(linkToFund(doc, old, newId<'fund'>(), by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(linkToFund(doc, old, bank, by)).toEqual({ ok: true });
		expect(getResource(doc, old)).toMatchObject({ fundId: bank });
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		expect(moveToFund(doc, van, { currency: 'EUR', date: '2026-12-04' }, by)).toEqual({ ok: false, reason: 'not_money' });
		expect(moveToFund(doc, newId<'resource'>(), { currency: 'EUR', date: '2026-12-04' }, by)).toEqual({ ok: false, reason: 'not_found' });
		const other = oldFundItem(doc, by);
		expect(moveToFund(doc, other, { currency: 'euros', date: '2026-12-04' }, by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'currency' });
		// A fund without an amount opens empty.
		const empty = moveToFund(doc, old === other ? old : oldFundItem(doc, by, { quantity: null }), { currency: 'CHF', date: '2026-12-04' }, by);
		expect(empty).toMatchObject({ ok: true, entryId: null });
	});

	it('reads an amount and a currency from what the item held', () => {
		expect(openingAmount(400, 'EUR')).toBe(40_000);
		expect(openingAmount(12.345, 'EUR')).toBe(1_235);
		expect(openingAmount(500, 'JPY')).toBe(500);
		expect(openingAmount(0, 'EUR')).toBeNull();
		expect(openingAmount(null, 'EUR')).toBeNull();
		expect(openingAmount(1e15, 'EUR')).toBeNull();
		expect(unitCurrency('eur')).toBe('EUR');
		expect(unitCurrency(' € ')).toBe('EUR');
		expect(unitCurrency('Fr.')).toBe('CHF');
		expect(unitCurrency('billets')).toBeNull();
		expect(unitCurrency('')).toBeNull();
	});
});
