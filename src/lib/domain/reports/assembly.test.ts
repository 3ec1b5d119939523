import { describe, expect, it } from 'vitest';
import { closeDecision } from '../decisions/closings';
import { takePosition } from '../decisions/decisions';
import { propose, T0 } from '../decisions/testing';
import { recordDuesPayment, setDues } from '../money/dues';
import { addBudgetLine } from '../money/funds';
import { reverseEntry } from '../money/ledger-corrections';
import { created, entry, fund } from '../money/testing';
import { transferFunds } from '../money/transfers';
import { moneyNeed, pledge } from '../needs/testing';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';
import { monthsOf } from '../money/series';
import { assemblyPack } from './assembly';

function collective() {
	const { doc, by } = newSpace();
	const box = fund(doc, by, { name: 'Caisse' });
	const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
	// Before the period: the opening balance.
	entry(doc, by, box, { date: '2025-12-20', amount: 10_000, category: 'donation' });
	// In the period.
	entry(doc, by, box, { date: '2026-01-05', amount: 3_000, category: 'dues' });
	entry(doc, by, box, { date: '2026-01-15', amount: 2_500, direction: 'out', category: 'purchase' });
	const mistake = entry(doc, by, box, { date: '2026-02-02', amount: 900, direction: 'out', category: 'purchase' });
	expect(reverseEntry(doc, mistake, by, 'erreur', undefined, { date: '2026-02-03' }).ok).toBe(true);
	transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 4_000, date: '2026-02-10', note: '' }, by);
	entry(doc, by, bank, { date: '2026-03-01', amount: 1_000, direction: 'out', category: 'other' });
	// After the period: left out.
	entry(doc, by, box, { date: '2026-04-02', amount: 700, category: 'donation' });
	return { doc, by, box, bank };
}

describe('the general assembly pack', () => {
	it('lists the months a period touches', () => {
		expect(monthsOf('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
		expect(monthsOf('2026-03-01', '2026-03-31')).toEqual(['2026-03']);
	});

	it('gives each fund its opening, its flows by category, its transfers apart, its closing and its month-end balances', () => {
		const { doc, box, bank } = collective();
		const pack = assemblyPack(doc, '2026-01-01', '2026-03-31');
		const caisse = pack.funds.find((f) => f.fundId === box)!;
		expect(caisse).toMatchObject({ opening: 10_000, received: 3_000, spent: 2_500, transferredIn: 0, transferredOut: 4_000, closing: 6_500 });
		expect(caisse.categories).toEqual([
			{ category: 'dues', received: 3_000, spent: 0 },
			{ category: 'purchase', received: 0, spent: 2_500 }
		]);
		expect(caisse.balances).toEqual([
			{ month: '2026-01', balance: 10_500 },
			{ month: '2026-02', balance: 6_500 },
			{ month: '2026-03', balance: 6_500 }
		]);
		const banque = pack.funds.find((f) => f.fundId === bank)!;
		expect(banque).toMatchObject({ opening: 0, transferredIn: 4_000, spent: 1_000, closing: 3_000 });
		// Money in and out from outside, month by month: the transfer is in neither.
		expect(pack.months).toEqual([
			{
				currency: 'EUR',
				months: [
					{ month: '2026-01', received: 3_000, spent: 2_500, byCategory: { dues: { received: 3_000, spent: 0 }, purchase: { received: 0, spent: 2_500 } } },
					// The purchase and its reversal cancel out in its category.
					{ month: '2026-02', received: 0, spent: 0, byCategory: { purchase: { received: 0, spent: 0 } } },
					{ month: '2026-03', received: 0, spent: 1_000, byCategory: { other: { received: 0, spent: 1_000 } } }
				]
			}
		]);
	});

	it('takes the period in either order', () => {
		const { doc } = collective();
		expect(assemblyPack(doc, '2026-03-31', '2026-01-01')).toEqual(assemblyPack(doc, '2026-01-01', '2026-03-31'));
	});

	it('sets each budget’s plan against what the period spent', () => {
		const { doc, by } = newSpace();
		const budget = fund(doc, by, { name: 'Fête', kind: 'budget' });
		const line = created(addBudgetLine(doc, budget, { label: 'Musique', planned: 50_000 }, by));
		entry(doc, by, budget, { date: '2025-12-01', amount: 10_000, direction: 'out', category: 'purchase', budgetLineId: line });
		entry(doc, by, budget, { date: '2026-02-01', amount: 20_000, direction: 'out', category: 'purchase', budgetLineId: line });
		const [report] = assemblyPack(doc, '2026-01-01', '2026-12-31').budgets;
		expect(report).toMatchObject({ name: 'Fête', totals: { planned: 50_000, spent: 20_000, remaining: 30_000 } });
	});

	it('sums dues at the period’s end, says who is late, and lists decisions closed in it with their counts and effects', () => {
		const { doc, by, box } = collective();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', Date.UTC(2025, 11, 1));
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by);
		recordDuesPayment(doc, { memberId: bob, amount: 3_000, fundId: box, date: '2026-02-01', note: '' }, by);
		const pack = assemblyPack(doc, '2026-01-01', '2026-03-31');
		expect(pack.dues.totals).toEqual([{ currency: 'EUR', expected: 6_000, paid: 3_000, late: 1, members: 2 }]);

		const id = propose(doc, by, { process: 'vote' });
		takePosition(doc, id, { choice: 'yes' }, by, T0 + 1);
		takePosition(doc, id, { choice: 'no' }, bob, T0 + 2);
		const closedAt = T0 + 3;
		closeDecision(doc, id, { outcome: 'adopted', statement: 'On le fait.' }, by, closedAt);
		const day = new Date(closedAt).toISOString().slice(0, 10);
		const taken = assemblyPack(doc, day, day).decisions;
		expect(taken).toMatchObject([{ id, outcome: 'adopted', statement: 'On le fait.', counts: { yes: 1, no: 1 }, participants: 2, effects: [] }]);
		expect(assemblyPack(doc, '2020-01-01', '2020-12-31').decisions).toEqual([]);
	});

	it('lists the needs open in the period with their progress at its end', () => {
		const { doc, by } = newSpace();
		const need = moneyNeed(doc, by, { title: 'Loyer', target: 40_000 });
		pledge(doc, need, 10_000, by);
		const pack = assemblyPack(doc, '2026-01-01', '2026-12-31');
		expect(pack.needs).toMatchObject([{ id: need, title: 'Loyer', progress: { promised: 10_000, target: 40_000 } }]);
		// A period that ended before the need was recorded does not list it.
		expect(assemblyPack(doc, '2025-01-01', '2025-12-31').needs).toEqual([]);
	});
});
