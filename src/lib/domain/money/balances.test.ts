import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { budgetReport, fundBalance, fundBalances, negativeFunds } from './balances';
import { addBudgetLine, removeBudgetLine } from './funds';
import { newId } from '../core/ids';
import { reverseEntry } from './ledger-corrections';
import { created, entry, fund, replica } from './testing';
import { transferFunds } from './transfers';
import { ledgerMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('balances', () => {
	it('are the signed sum of every entry of the fund, in its currency only', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		entry(doc, by, box, { amount: 3_000 });
		entry(doc, by, box, { amount: 700, direction: 'out', category: 'purchase' });
		entry(doc, by, bank, { amount: 100 });
		// A faulty client wrote francs into a euro fund: left out and counted, never added.
		const foreign = (ledgerMap(doc).get(entry(doc, by, box, { amount: 9_999 })) as Y.Map<unknown>);
		foreign.set('currency', 'CHF');
		expect(fundBalance(doc, box)).toEqual({ fundId: box, currency: 'EUR', balance: 2_300, entries: 2, mismatched: 1, unreadable: 0 });
		expect(fundBalances(doc).map((b) => [b.fundId, b.balance])).toEqual([
			[bank, 100],
			[box, 2_300]
		]);
		expect(fundBalance(doc, newId<'fund'>())).toBeUndefined();
	});
});

describe('negative funds', () => {
	it('show two devices spending the same money offline, with the entry that went too far', () => {
		const { doc: a, by } = newSpace();
		const box = fund(a, by);
		entry(a, by, box, { amount: 10_000, date: '2026-04-01' });
		const b = replica(a);
		entry(a, by, box, { amount: 8_000, direction: 'out', category: 'purchase', date: '2026-04-02' });
		expect(negativeFunds(a)).toEqual([]);
		const second = entry(b, memberId(), box, { amount: 5_000, direction: 'out', category: 'purchase', date: '2026-04-03' });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			const found = negativeFunds(doc);
			expect(found).toHaveLength(1);
			expect(found[0]).toMatchObject({ fund: { id: box }, balance: -3_000 });
			expect(found[0]?.entries.map((e) => e.id)).toEqual([second]);
		}
	});

	it('name the entries since the balance was last at or above zero', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const out = { direction: 'out', category: 'purchase' } as const;
		entry(doc, by, box, { ...out, amount: 500, date: '2026-01-01' });
		entry(doc, by, box, { amount: 1_000, date: '2026-01-02' });
		const x = entry(doc, by, box, { ...out, amount: 800, date: '2026-01-03' }, 10);
		const y = entry(doc, by, box, { ...out, amount: 300, date: '2026-01-03' }, 11);
		entry(doc, by, box, { amount: 50, date: '2026-01-04' });
		const z = entry(doc, by, box, { ...out, amount: 100, date: '2026-01-05' });
		// Running: -500, 500, -300, -600, -550, -650: the overdraft began with x.
		expect(negativeFunds(doc)[0]).toMatchObject({ balance: -650 });
		expect(negativeFunds(doc)[0]?.entries.map((e) => e.id)).toEqual([x, y, z]);
		// Putting money back clears it.
		entry(doc, by, box, { amount: 650, date: '2026-01-06' });
		expect(negativeFunds(doc)).toEqual([]);
	});

	it('clear when the spending is reversed', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const spent = entry(doc, by, box, { amount: 100, direction: 'out', category: 'purchase' });
		expect(negativeFunds(doc)).toHaveLength(1);
		reverseEntry(doc, spent, by, 'Erreur');
		expect(negativeFunds(doc)).toEqual([]);
	});
});

describe('budget report', () => {
	it('sets spending against each line, with unassigned spending and totals', () => {
		const { doc, by } = newSpace();
		const budget = fund(doc, by, { name: 'Festival', kind: 'budget' });
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		const sound = created(addBudgetLine(doc, budget, { label: 'Son', planned: 50_000 }, by, 1));
		const food = created(addBudgetLine(doc, budget, { label: 'Cantine', planned: 20_000 }, by, 2));
		const posters = created(addBudgetLine(doc, budget, { label: 'Affiches', planned: 5_000 }, by, 3));
		const old = created(addBudgetLine(doc, budget, { label: 'Ancienne ligne', planned: 9_000 }, by, 4));
		const buy = { direction: 'out', category: 'purchase' } as const;
		entry(doc, by, bank, { amount: 100_000 });
		transferFunds(doc, { fromFundId: bank, toFundId: budget, amount: 60_000, date: '2026-05-01' }, by);
		entry(doc, by, budget, { ...buy, amount: 30_000, budgetLineId: sound });
		const mistake = entry(doc, by, budget, { ...buy, amount: 4_000, budgetLineId: sound });
		reverseEntry(doc, mistake, by, 'Facture en double');
		entry(doc, by, budget, { ...buy, amount: 25_000, budgetLineId: food });
		entry(doc, by, budget, { ...buy, amount: 1_000, budgetLineId: old });
		entry(doc, by, budget, { ...buy, amount: 1_500 });
		entry(doc, by, budget, { amount: 2_000, budgetLineId: food, category: 'donation' });
		removeBudgetLine(doc, budget, old, by);
		removeBudgetLine(doc, budget, posters, by);
		transferFunds(doc, { fromFundId: budget, toFundId: bank, amount: 500, date: '2026-06-01' }, by);
		expect(budgetReport(doc, budget)).toEqual({
			fundId: budget,
			currency: 'EUR',
			lines: [
				{ lineId: sound, label: 'Son', planned: 50_000, spent: 30_000, remaining: 20_000, removed: false },
				{ lineId: food, label: 'Cantine', planned: 20_000, spent: 25_000, remaining: -5_000, removed: false },
				{ lineId: old, label: 'Ancienne ligne', planned: 0, spent: 1_000, remaining: -1_000, removed: true }
			],
			unassigned: 1_500,
			totals: { planned: 70_000, spent: 57_500, remaining: 12_500 },
			unreadable: 0
		});
		expect(budgetReport(doc, newId<'fund'>())).toBeUndefined();
	});
});
