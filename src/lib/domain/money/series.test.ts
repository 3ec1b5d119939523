import { describe, expect, it } from 'vitest';
import { newSpace } from '../space/testing';
import { readLedger } from './ledger';
import { lastMonths, ledgerMonthlyFlows, monthEndBalances, monthsOf } from './series';
import { entry, fund } from './testing';
import { transferFunds } from './transfers';

describe('money over time', () => {
	it('names the months of a period, and the last twelve up to today', () => {
		expect(monthsOf('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
		expect(lastMonths('2026-03-17', 12)).toEqual({ from: '2025-04-01', to: '2026-03-17' });
		expect(lastMonths('2026-12-01', 1)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
	});

	it('gives a fund’s balance at each month’s end, transfers included, other currencies and later entries left out', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		entry(doc, by, box, { date: '2025-12-31', amount: 5_000 });
		entry(doc, by, box, { date: '2026-01-15', amount: 1_000, direction: 'out', category: 'purchase' });
		transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 2_000, date: '2026-03-02', note: '' }, by);
		entry(doc, by, box, { date: '2026-04-01', amount: 9_000 });
		const own = readLedger(doc).items.filter((e) => e.fundId === box);
		expect(monthEndBalances(own, 'EUR', '2026-01-01', '2026-03-31')).toEqual({
			opening: 5_000,
			points: [
				{ month: '2026-01', balance: 4_000 },
				{ month: '2026-02', balance: 4_000 },
				{ month: '2026-03', balance: 2_000 }
			]
		});
		expect(monthEndBalances(own, 'CHF', '2026-01-01', '2026-01-31')).toEqual({ opening: 0, points: [{ month: '2026-01', balance: 0 }] });
	});
});

describe('monthly flows', () => {
	it('start with the first entry when the period is open, and are empty without entries', () => {
		const { doc, by } = newSpace();
		expect(ledgerMonthlyFlows(doc, '0001-01-01', '2026-03-31')).toEqual([]);
		const box = fund(doc, by);
		entry(doc, by, box, { date: '2026-02-10', amount: 700, category: 'dues' });
		expect(ledgerMonthlyFlows(doc, '0001-01-01', '2026-03-31')).toEqual([
			{
				currency: 'EUR',
				months: [
					{ month: '2026-02', received: 700, spent: 0, byCategory: { dues: { received: 700, spent: 0 } } },
					{ month: '2026-03', received: 0, spent: 0, byCategory: {} }
				]
			}
		]);
	});
});
