import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { fundBalance } from './balances';
import { addBudgetLine, setFundArchived } from './funds';
import { newId } from '../core/ids';
import { getEntry, listEntries, recordEntry } from './ledger';
import { created, entry, fund, replica } from './testing';
import { ledgerMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('ledger', () => {
	it('records an entry with every field, and who did it under which decision', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { kind: 'budget' });
		const line = created(addBudgetLine(doc, box, { label: 'Matériel', planned: 10_000 }, by));
		const need = newId<'need'>();
		const decision = newId<'decision'>();
		const result = recordEntry(
			doc,
			{
				fundId: box,
				date: '2026-03-02',
				amount: 4_250,
				direction: 'out',
				category: 'purchase',
				counterparty: { kind: 'outside', name: ' Quincaillerie ' },
				note: ' Perceuse ',
				budgetLineId: line,
				needId: need,
				decisionId: decision
			},
			by,
			5_000
		);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(getEntry(doc, result.id)).toMatchObject({
			fundId: box,
			date: '2026-03-02',
			amount: 4_250,
			currency: 'EUR',
			direction: 'out',
			category: 'purchase',
			counterparty: { kind: 'outside', name: 'Quincaillerie' },
			note: 'Perceuse',
			budgetLineId: line,
			needId: need,
			decisionId: decision,
			transferId: null,
			reverses: null,
			reversedBy: null,
			createdBy: by,
			createdAt: 5_000
		});
		expect(listActivity(doc, { subjectId: result.id }).items).toMatchObject([
			{ action: 'ledger.created', subjectKind: 'ledger', decisionId: decision, summary: 'Caisse', amount: -4_250, currency: 'EUR', by }
		]);
	});

	it('answers a refusal, and writes nothing, when the fund cannot take the entry', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const closed = fund(doc, by, { name: 'Ancienne caisse' });
		setFundArchived(doc, closed, true, by);
		const base = { date: '2026-01-01', amount: 100, direction: 'in', category: 'donation' } as const;
		const before = Y.encodeStateAsUpdate(doc);
		expect(recordEntry(doc, { ...base, fundId: box, currency: 'CHF' }, by)).toEqual({ ok: false, reason: 'currency_mismatch' });
		expect(recordEntry(doc, { ...base, fundId: closed }, by)).toEqual({ ok: false, reason: 'fund_archived' });
		expect(recordEntry(doc, { ...base, fundId: newId<'fund'>() }, by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(recordEntry(doc, { ...base, fundId: box, budgetLineId: newId<'budget-line'>() }, by)).toEqual({
			ok: false,
			reason: 'budget_line_not_found'
		});
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('refuses malformed input with the field named', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const base = { fundId: box, date: '2026-01-01', amount: 100, direction: 'in', category: 'donation' } as const;
		expect(recordEntry(doc, { ...base, amount: 0 }, by)).toMatchObject({ ok: false, field: 'amount' });
		expect(recordEntry(doc, { ...base, amount: -5 }, by)).toMatchObject({ ok: false, field: 'amount' });
		expect(recordEntry(doc, { ...base, amount: 12.5 }, by)).toMatchObject({ ok: false, field: 'amount' });
		expect(recordEntry(doc, { ...base, date: '02/03/2026' }, by)).toMatchObject({ ok: false, field: 'date' });
		expect(recordEntry(doc, { ...base, counterparty: { kind: 'outside', name: '' } }, by)).toMatchObject({ ok: false, reason: 'invalid_field' });
		// @ts-expect-error transfers are written by transferFunds only
		expect(recordEntry(doc, { ...base, category: 'transfer' }, by)).toMatchObject({ ok: false, field: 'category' });
	});

	it('lists in ledger order (date, then recording time) with filters', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		const alice = memberId();
		const decision = newId<'decision'>();
		const need = newId<'need'>();
		const late = entry(doc, by, box, { date: '2026-02-01', category: 'dues', counterparty: { kind: 'member', memberId: alice } });
		const early = entry(doc, by, box, { date: '2026-01-05', direction: 'out', category: 'purchase', decisionId: decision });
		const sameDayLater = entry(doc, by, box, { date: '2026-01-05', needId: need }, 3_000);
		const banked = entry(doc, by, bank, { date: '2026-01-20' });
		const ids = (filter: Parameters<typeof listEntries>[1]) => listEntries(doc, filter).items.map((e) => e.id);
		expect(ids({})).toEqual([early, sameDayLater, banked, late]);
		expect(ids({ fundId: bank })).toEqual([banked]);
		expect(ids({ category: 'purchase' })).toEqual([early]);
		expect(ids({ from: '2026-01-06', to: '2026-01-31' })).toEqual([banked]);
		expect(ids({ from: '2026-02-01' })).toEqual([late]);
		expect(ids({ memberId: alice })).toEqual([late]);
		expect(ids({ decisionId: decision })).toEqual([early]);
		expect(ids({ needId: need })).toEqual([sameDayLater]);
	});

	it('keeps every entry recorded offline on two devices, and the balance counts them all', () => {
		const { doc: a, by } = newSpace();
		const box = fund(a, by);
		const b = replica(a);
		entry(a, by, box, { amount: 2_000 });
		entry(b, memberId(), box, { amount: 500, direction: 'out', category: 'purchase' });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listEntries(doc).items).toHaveLength(2);
			expect(fundBalance(doc, box)?.balance).toBe(1_500);
		}
	});

	it('skips and counts entries that fail validation', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		entry(doc, by, box);
		const map = ledgerMap(doc);
		map.set('junk-1', 'not an entry');
		const negative = new Y.Map<unknown>();
		const id = newId<'ledger-entry'>();
		for (const [k, v] of Object.entries({ id, fundId: box, date: '2026-01-01', amount: -500, currency: 'EUR', direction: 'in', category: 'donation', createdAt: 1, createdBy: by, updatedAt: 1, updatedBy: by })) {
			negative.set(k, v);
		}
		map.set(id, negative);
		const float = negative.clone();
		const floatId = newId<'ledger-entry'>();
		float.set('id', floatId);
		float.set('amount', 0.1);
		map.set(floatId, float);
		expect(listEntries(doc)).toMatchObject({ unreadable: 3, items: [{ amount: 1000 }] });
		expect(fundBalance(doc, box)).toMatchObject({ balance: 1000, unreadable: 3 });
	});
});
