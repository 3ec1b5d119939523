import { describe, expect, it } from 'vitest';
import { recordDuesPayment, setDues } from './dues';
import { duesFundDefaults, usualCurrency } from './defaults';
import { setFundArchived } from './funds';
import { fund } from './testing';
import { newSpace } from '../space/testing';

describe('the dues payment’s fund', () => {
	it('is the fund that received the last dues, else a cash box, never the first by name', () => {
		const { doc, by } = newSpace();
		const budget = fund(doc, by, { name: 'Budget 2027', kind: 'budget' }, 1_000);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' }, 1_100);
		const box = fund(doc, by, { name: 'Caisse', kind: 'cash' }, 1_200);
		const swiss = fund(doc, by, { name: 'Compte CH', kind: 'bank', currency: 'CHF' }, 1_300);
		expect(duesFundDefaults(doc).get('EUR')).toBe(box);
		expect(duesFundDefaults(doc).has('CHF')).toBe(false);

		const pay = (fundId: typeof bank, date: string, now: number) =>
			recordDuesPayment(doc, { memberId: by, fundId, amount: 1_000, date, note: '' }, by, now);
		pay(bank, '2026-02-01', 5_000);
		expect(duesFundDefaults(doc).get('EUR')).toBe(bank);
		// The last recorded, even when dated earlier.
		pay(box, '2026-01-01', 6_000);
		expect(duesFundDefaults(doc).get('EUR')).toBe(box);
		pay(swiss, '2026-01-01', 7_000);
		expect(Object.fromEntries(duesFundDefaults(doc))).toEqual({ EUR: box, CHF: swiss });
		// A fund closed since is not suggested.
		setFundArchived(doc, box, true, by);
		expect(duesFundDefaults(doc).get('EUR')).toBe(bank);
		expect([...duesFundDefaults(doc).values()]).not.toContain(budget);
	});
});

describe('the collective’s currency', () => {
	it('is the one most funds hold, else the dues’, else euros', () => {
		const { doc, by } = newSpace();
		expect(usualCurrency(doc)).toBe('EUR');
		setDues(doc, 'default', { amount: 500, currency: 'CHF', period: 'monthly', start: '2026-01-01' }, by);
		expect(usualCurrency(doc)).toBe('CHF');
		fund(doc, by, { name: 'Cassa', currency: 'GBP' }, 1_000);
		expect(usualCurrency(doc)).toBe('GBP');
		fund(doc, by, { name: 'Box', currency: 'XOF' }, 2_000);
		expect(usualCurrency(doc)).toBe('GBP');
		fund(doc, by, { name: 'Caisse', currency: 'XOF' }, 3_000);
		expect(usualCurrency(doc)).toBe('XOF');
	});
});
