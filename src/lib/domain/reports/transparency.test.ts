import { describe, expect, it } from 'vitest';
import { reverseEntry } from '../money/ledger-corrections';
import { created, entry, fund } from '../money/testing';
import { transferFunds } from '../money/transfers';
import { newSpace } from '../space/testing';
import { transparencyReport } from './transparency';
import { ledgerView } from '../money/views';
import { adoptDecision } from '../decisions/closings';
import { createDecision } from '../decisions/decisions';

describe('transparency report', () => {
	it('adds up money by category net of reversals, leaves transfers out, and traces decisions', () => {
		const { doc, by } = newSpace();
		const cash = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		entry(doc, by, cash, { amount: 12_000, direction: 'in', category: 'dues', date: '2026-03-02' });
		entry(doc, by, cash, { amount: 5_000, direction: 'in', category: 'donation', date: '2026-03-03' });
		const wrong = entry(doc, by, cash, { amount: 800, direction: 'out', category: 'purchase', date: '2026-03-04' });
		entry(doc, by, cash, { amount: 2_500, direction: 'out', category: 'purchase', date: '2026-03-05' });
		expect(reverseEntry(doc, wrong, by, 'saisie en double', 3_000, { date: '2026-03-06' }).ok).toBe(true);
		expect(transferFunds(doc, { fromFundId: cash, toFundId: bank, amount: 4_000, date: '2026-03-07' }, by, 4_000).ok).toBe(true);
		entry(doc, by, cash, { amount: 999, direction: 'out', category: 'purchase', date: '2026-04-01' });

		const decision = created(createDecision(
			doc,
			{
				title: 'Acheter des outils',
				proposal: 'Pour l’atelier',
				process: 'consent',
				closesAt: 5_000,
				allocations: [{ kind: 'money', fundId: cash, amount: 1_500, currency: 'EUR' }]
			},
			by,
			4_500
		));
		adoptDecision(doc, decision, { statement: 'Adopté' }, by, new Date('2026-03-08T10:00:00').getTime());

		const report = transparencyReport(doc, '2026-03-01', '2026-03-31');
		expect(report.flows).toHaveLength(1);
		const [eur] = report.flows;
		expect(eur).toMatchObject({ currency: 'EUR', received: 17_000, spent: 4_000, spentWithoutDecision: 2_500 });
		expect(eur!.categories).toEqual([
			{ category: 'allocation', received: 0, spent: 1_500 },
			{ category: 'donation', received: 5_000, spent: 0 },
			{ category: 'dues', received: 12_000, spent: 0 },
			{ category: 'purchase', received: 0, spent: 2_500 }
		]);
		expect(report.decisions).toHaveLength(1);
		expect(report.decisions[0]).toMatchObject({ title: 'Acheter des outils', outcome: 'adopted' });
		expect(report.decisions[0]!.spent.get('EUR')).toBe(1_500);
		expect(report.decisions[0]!.activity.map((a) => a.action)).toContain('ledger.allocated');
	});

	it('gives the ledger page the same income and spending, with transfers between funds on their own line', () => {
		const { doc, by } = newSpace();
		const cash = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		entry(doc, by, cash, { amount: 100_000, direction: 'in', category: 'donation', date: '2026-03-02' });
		entry(doc, by, cash, { amount: 13_250, direction: 'in', category: 'dues', date: '2026-03-03' });
		const twice = entry(doc, by, cash, { amount: 2_000, direction: 'out', category: 'purchase', date: '2026-03-04' });
		expect(reverseEntry(doc, twice, by, 'payé deux fois', 3_000, { date: '2026-03-05' }).ok).toBe(true);
		entry(doc, by, bank, { amount: 4_500, direction: 'out', category: 'purchase', date: '2026-03-06' });
		expect(transferFunds(doc, { fromFundId: cash, toFundId: bank, amount: 80_000, date: '2026-03-07' }, by, 4_000).ok).toBe(true);

		const [report] = transparencyReport(doc, '2026-03-01', '2026-03-31').flows;
		const [ledger] = ledgerView(doc, { from: '2026-03-01', to: '2026-03-31' }, { needs: () => [], decisions: () => [] }).totals;
		const expected = { currency: 'EUR', received: 113_250, spent: 4_500, transferredIn: 80_000, transferredOut: 80_000, net: 108_750 };
		expect(ledger).toEqual(expected);
		expect(report).toMatchObject(expected);
		// One fund's ledger: the transfer out is not spending.
		const [ofCash] = ledgerView(doc, { fundId: cash }, { needs: () => [], decisions: () => [] }).totals;
		expect(ofCash).toEqual({ currency: 'EUR', received: 113_250, spent: 0, transferredIn: 0, transferredOut: 80_000, net: 33_250 });
	});
});
