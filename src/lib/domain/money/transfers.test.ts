import { describe, expect, it } from 'vitest';
import { listActivity } from '../core/activity';
import { fundBalance } from './balances';
import { setFundArchived } from './funds';
import { newId } from '../core/ids';
import { listEntries } from './ledger';
import { entry, fund } from './testing';
import { transferFunds } from './transfers';
import { newSpace } from '../space/testing';

describe('transfers', () => {
	it('writes two entries sharing a transfer id, and moves the balance', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		entry(doc, by, box, { amount: 10_000 });
		const decision = newId<'decision'>();
		const result = transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 7_500, date: '2026-02-01', note: 'Dépôt', decisionId: decision }, by, 4_000);
		if (!result.ok) throw new Error(result.reason);
		const legs = listEntries(doc, { transferId: result.transferId }).items;
		expect(legs.sort((x, y) => (x.direction === 'out' ? -1 : 1) - (y.direction === 'out' ? -1 : 1))).toMatchObject([
			{ id: result.outId, fundId: box, direction: 'out', category: 'transfer', amount: 7_500, note: 'Dépôt', decisionId: decision },
			{ id: result.inId, fundId: bank, direction: 'in', category: 'transfer', amount: 7_500, note: 'Dépôt', decisionId: decision }
		]);
		expect(fundBalance(doc, box)?.balance).toBe(2_500);
		expect(fundBalance(doc, bank)?.balance).toBe(7_500);
		expect(listActivity(doc, { subjectId: result.outId }).items).toMatchObject([
			{ action: 'ledger.transferred', decisionId: decision, summary: 'Caisse', to: 'Banque', amount: 7_500, currency: 'EUR' }
		]);
	});

	it('refuses a transfer to the same fund, across currencies, or touching an archived fund', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const swiss = fund(doc, by, { name: 'Compte CHF', kind: 'bank', currency: 'CHF' });
		const old = fund(doc, by, { name: 'Ancien compte' });
		setFundArchived(doc, old, true, by);
		const base = { amount: 100, date: '2026-02-01' };
		expect(transferFunds(doc, { ...base, fromFundId: box, toFundId: box }, by)).toEqual({ ok: false, reason: 'same_fund' });
		expect(transferFunds(doc, { ...base, fromFundId: box, toFundId: swiss }, by)).toEqual({ ok: false, reason: 'currency_mismatch' });
		expect(transferFunds(doc, { ...base, fromFundId: box, toFundId: old }, by)).toEqual({ ok: false, reason: 'fund_archived' });
		expect(transferFunds(doc, { ...base, fromFundId: newId<'fund'>(), toFundId: box }, by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(transferFunds(doc, { ...base, amount: 0, fromFundId: box, toFundId: old }, by)).toMatchObject({ ok: false, field: 'amount' });
		expect(listEntries(doc).items).toHaveLength(0);
	});
});
