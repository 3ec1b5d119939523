import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { fundBalance } from './balances';
import { addBudgetLine } from './funds';
import { newId } from '../core/ids';
import { derivedEntryId, getEntry, listEntries } from './ledger';
import { allocateMoney, findAllocation } from './allocations';
import { reverseEntry } from './ledger-corrections';
import { created, entry, fund, replica } from './testing';
import { ledgerMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('allocations', () => {
	const setup = () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { name: 'Solidarité', kind: 'budget' });
		entry(doc, by, box, { amount: 50_000 });
		const decision = newId<'decision'>();
		const need = newId<'need'>();
		const input = {
			allocationKey: `${decision}:0`,
			fundId: box,
			amount: 20_000,
			currency: 'EUR',
			needId: need,
			note: 'Loyer de la cantine',
			decisionId: decision,
			date: '2026-03-01'
		};
		return { doc, by, box, decision, need, input };
	};

	it('writes one allocation entry out of the fund, traced to its decision and need', () => {
		const { doc, by, box, decision, need, input } = setup();
		const result = allocateMoney(doc, input, by, 6_000);
		expect(result).toMatchObject({ ok: true, created: true });
		if (!result.ok) return;
		expect(getEntry(doc, result.id)).toMatchObject({
			fundId: box,
			direction: 'out',
			category: 'allocation',
			amount: 20_000,
			needId: need,
			decisionId: decision,
			allocationKey: input.allocationKey
		});
		expect(findAllocation(doc, input.allocationKey)?.id).toBe(result.id);
		expect(listEntries(doc, { needId: need }).items).toHaveLength(1);
		expect(listActivity(doc, { decisionId: decision }).items).toMatchObject([
			{ action: 'ledger.allocated', subjectId: result.id, summary: 'Solidarité', amount: -20_000, currency: 'EUR' }
		]);
	});

	it('is idempotent on one device, even after the allocation was reversed', () => {
		const { doc, by, box, input } = setup();
		const first = allocateMoney(doc, input, by);
		const again = allocateMoney(doc, input, memberId());
		expect(again).toEqual({ ok: true, id: first.ok && first.id, created: false });
		if (first.ok) reverseEntry(doc, first.id, by, 'Décision annulée');
		expect(allocateMoney(doc, input, by)).toMatchObject({ ok: true, created: false });
		expect(fundBalance(doc, box)?.balance).toBe(50_000);
	});

	it('two devices executing the same decision offline end with ONE entry after merge', () => {
		const { doc: a, by, box, input } = setup();
		const b = replica(a);
		const onA = allocateMoney(a, input, by, 7_000);
		const onB = allocateMoney(b, input, memberId(), 7_001);
		expect(onA).toMatchObject({ ok: true, created: true });
		expect(onB).toMatchObject({ ok: true, created: true });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listEntries(doc, { category: 'allocation' }).items).toHaveLength(1);
			expect(fundBalance(doc, box)?.balance).toBe(30_000);
		}
		expect(onA.ok && onB.ok && onA.id === onB.id).toBe(true);
		expect(Y.encodeStateAsUpdate(a)).toEqual(Y.encodeStateAsUpdate(b));
	});

	it('different allocation keys are different entries', () => {
		const { doc, by, box, decision, input } = setup();
		allocateMoney(doc, input, by);
		allocateMoney(doc, { ...input, allocationKey: `${decision}:1`, amount: 5_000 }, by);
		expect(fundBalance(doc, box)?.balance).toBe(25_000);
	});

	it('refuses with a reason, writing nothing', () => {
		const { doc, by, input } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		expect(allocateMoney(doc, { ...input, currency: 'CHF' }, by)).toEqual({ ok: false, reason: 'currency_mismatch' });
		expect(allocateMoney(doc, { ...input, fundId: newId<'fund'>() }, by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(allocateMoney(doc, { ...input, budgetLineId: newId<'budget-line'>() }, by)).toEqual({ ok: false, reason: 'budget_line_not_found' });
		expect(() => allocateMoney(doc, { ...input, allocationKey: '' }, by)).toThrow(/allocationKey/);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
		// Something unreadable sitting at the key is never overwritten.
		ledgerMap(doc).set(derivedEntryId('allocation', input.allocationKey), 'junk');
		expect(allocateMoney(doc, input, by)).toEqual({ ok: false, reason: 'key_taken' });
	});

	it('can go to a budget line', () => {
		const { doc, by, box, input } = setup();
		const line = created(addBudgetLine(doc, box, { label: 'Loyers', planned: 30_000 }, by));
		const result = allocateMoney(doc, { ...input, budgetLineId: line }, by);
		expect(result.ok && getEntry(doc, result.id)?.budgetLineId).toBe(line);
	});
});
