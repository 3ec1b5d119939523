import { describe, expect, it } from 'vitest';
import { addAllocation } from './allocations';
import { adoptDecision } from './closings';
import { assembly, propose, T0, WEEK } from './testing';
import { allocationChoices, decisionPageView } from './views';
import { createFund } from '../money/funds';
import { created, entry } from '../money/testing';
import { conflictsView } from '../reports/views';

const TODAY = '2027-01-15';

describe('money a decision would spend that its fund does not have', () => {
	it('is said before adoption: what the fund holds and what would be missing, every allocation from one fund added up', () => {
		const { doc, by } = assembly(1);
		const cash = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, T0 - 10));
		const bank = created(createFund(doc, { name: 'Banque', kind: 'bank', currency: 'EUR' }, by, T0 - 10));
		entry(doc, by, cash, { amount: 40_000, direction: 'in', category: 'donation' });
		entry(doc, by, bank, { amount: 100_000, direction: 'in', category: 'donation' });
		expect(allocationChoices(doc).funds.map((f) => [f.name, f.balance])).toEqual([
			['Banque', 100_000],
			['Caisse', 40_000]
		]);

		const id = propose(doc, by, {
			allocations: [
				{ kind: 'money', fundId: cash, amount: 30_000, currency: 'EUR' },
				{ kind: 'money', fundId: bank, amount: 20_000, currency: 'EUR' }
			]
		});
		expect(decisionPageView(doc, id, TODAY, by)?.shortfalls).toEqual([
			{ fundId: cash, currency: 'EUR', balance: 40_000, spending: 30_000, missing: 0 },
			{ fundId: bank, currency: 'EUR', balance: 100_000, spending: 20_000, missing: 0 }
		]);
		expect(addAllocation(doc, id, { kind: 'money', fundId: cash, amount: 20_000, currency: 'EUR' }, by, T0 + 1)).toMatchObject({ ok: true });
		expect(decisionPageView(doc, id, TODAY, by)?.shortfalls[0]).toEqual({
			fundId: cash,
			currency: 'EUR',
			balance: 40_000,
			spending: 50_000,
			missing: 10_000
		});
	});

	it('once adopted all the same, shows on the conflicts page as a negative balance naming the entries and the decision behind them', () => {
		const { doc, by } = assembly(1);
		const cash = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, T0 - 10));
		entry(doc, by, cash, { amount: 40_000, direction: 'in', category: 'donation', date: '2027-01-02' });
		const id = propose(doc, by, { title: 'Acheter un four', allocations: [{ kind: 'money', fundId: cash, amount: 50_000, currency: 'EUR' }] });
		expect(adoptDecision(doc, id, { statement: 'Adopté' }, by, T0 + WEEK + 1)).toMatchObject({ ok: true });
		expect(decisionPageView(doc, id, TODAY, by)?.shortfalls).toEqual([]);

		const row = conflictsView(doc, TODAY).open.find((r) => r.conflict.kind === 'negative_fund');
		expect(row).toMatchObject({ amount: { kind: 'money', amount: -10_000, currency: 'EUR' } });
		expect(row?.culprits).toMatchObject([{ amount: 50_000, currency: 'EUR', decisionId: id, decisionTitle: 'Acheter un four' }]);
	});
});
