import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { budgetReport, fundBalance } from './balances';
import { addBudgetLine } from './funds';
import { newId } from '../core/ids';
import { getEntry, listEntries } from './ledger';
import { editEntry, entryHistory, reverseEntry } from './ledger-corrections';
import { created, entry, fund, replica } from './testing';
import { transferFunds } from './transfers';
import { ledgerMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('reversing entries', () => {
	it('writes the opposite entry, leaves the original untouched, and the balance follows', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const id = entry(doc, by, box, { amount: 1_250, direction: 'out', category: 'purchase', note: 'Peinture' });
		const original = (ledgerMap(doc).get(id) as Y.Map<unknown>).toJSON();
		const bob = memberId();
		const decision = newId<'decision'>();
		const result = reverseEntry(doc, id, bob, ' Saisie en double ', 9_000, { date: '2026-01-15', decisionId: decision });
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const [reversal] = result.ids;
		expect((ledgerMap(doc).get(id) as Y.Map<unknown>).toJSON()).toEqual(original);
		expect(getEntry(doc, id)?.reversedBy).toBe(reversal);
		expect(getEntry(doc, reversal!)).toMatchObject({
			reverses: id,
			direction: 'in',
			amount: 1_250,
			fundId: box,
			category: 'purchase',
			date: '2026-01-15',
			note: 'Saisie en double',
			decisionId: decision,
			createdBy: bob
		});
		expect(fundBalance(doc, box)?.balance).toBe(0);
		expect(listActivity(doc, { subjectId: id }).items[0]).toMatchObject({
			action: 'ledger.reversed',
			by: bob,
			decisionId: decision,
			summary: 'Saisie en double',
			amount: -1_250,
			currency: 'EUR'
		});
	});

	it('refuses to reverse twice, to reverse a reversal, or what does not exist; a reason is required', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const id = entry(doc, by, box);
		expect(reverseEntry(doc, id, by, '  ')).toMatchObject({ ok: false, field: 'reason' });
		const first = reverseEntry(doc, id, by, 'Erreur');
		expect(reverseEntry(doc, id, by, 'Encore')).toEqual({ ok: false, reason: 'already_reversed' });
		if (first.ok) expect(reverseEntry(doc, first.ids[0]!, by, 'Annuler')).toEqual({ ok: false, reason: 'is_reversal' });
		expect(reverseEntry(doc, newId<'ledger-entry'>(), by, 'Rien')).toEqual({ ok: false, reason: 'not_found' });
		expect(listEntries(doc).items).toHaveLength(2);
	});

	it('two members reversing the same entry offline end with one reversal, not a double correction', () => {
		const { doc: a, by } = newSpace();
		const box = fund(a, by);
		entry(a, by, box, { amount: 5_000 });
		const id = entry(a, by, box, { amount: 800, direction: 'out', category: 'purchase' });
		const b = replica(a);
		expect(reverseEntry(a, id, by, 'Pas acheté').ok).toBe(true);
		expect(reverseEntry(b, id, memberId(), 'Remboursé').ok).toBe(true);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listEntries(doc, { fundId: box }).items.filter((e) => e.reverses === id)).toHaveLength(1);
			expect(fundBalance(doc, box)?.balance).toBe(5_000);
			// Both corrections stay visible in the history.
			expect(listActivity(doc, { subjectId: id }).items.filter((x) => x.action === 'ledger.reversed')).toHaveLength(2);
		}
	});

	it('reverses both legs of a transfer, from either leg', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		entry(doc, by, box, { amount: 3_000 });
		const transfer = transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 2_000, date: '2026-01-11' }, by);
		if (!transfer.ok) throw new Error(transfer.reason);
		const result = reverseEntry(doc, transfer.inId, by, 'Mauvais compte');
		expect(result.ok && result.ids).toHaveLength(2);
		expect(fundBalance(doc, box)?.balance).toBe(3_000);
		expect(fundBalance(doc, bank)?.balance).toBe(0);
		expect(reverseEntry(doc, transfer.outId, by, 'Encore')).toEqual({ ok: false, reason: 'already_reversed' });
	});
});

describe('editing entries', () => {
	it('changes descriptive fields and keeps each change, old and new, with who and when', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const id = entry(doc, by, box, { note: 'Don', category: 'donation' });
		const bob = memberId();
		expect(editEntry(doc, id, { note: 'Don de la fête', category: 'other' }, bob, 7_000)).toEqual({ ok: true, changed: true });
		expect(editEntry(doc, id, { note: 'Don de la fête' }, bob, 8_000)).toEqual({ ok: true, changed: false });
		editEntry(doc, id, { counterparty: { kind: 'outside', name: 'Voisins' }, date: '2026-01-09' }, by, 9_000);
		expect(getEntry(doc, id)).toMatchObject({
			note: 'Don de la fête',
			category: 'other',
			counterparty: { kind: 'outside', name: 'Voisins' },
			date: '2026-01-09',
			updatedBy: by,
			updatedAt: 9_000,
			amount: 1000
		});
		expect(entryHistory(doc, id)).toEqual({
			unreadable: 0,
			items: [
				{ at: 7_000, by: bob, changes: { note: { from: 'Don', to: 'Don de la fête' }, category: { from: 'donation', to: 'other' } } },
				{
					at: 9_000,
					by,
					changes: { counterparty: { from: null, to: { kind: 'outside', name: 'Voisins' } }, date: { from: '2026-01-10', to: '2026-01-09' } }
				}
			]
		});
		expect(listActivity(doc, { subjectId: id }).items.map((x) => x.action)).toEqual(['ledger.edited', 'ledger.edited', 'ledger.created']);
	});

	it('refuses money facts, and only a note on a reversal, and the category of transfers and allocations', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const bank = fund(doc, by, { name: 'Banque' });
		const id = entry(doc, by, box);
		// @ts-expect-error the amount is changed by reversal and a new entry
		expect(editEntry(doc, id, { amount: 5 }, by)).toMatchObject({ ok: false, field: 'amount' });
		// @ts-expect-error so is the fund
		expect(editEntry(doc, id, { fundId: bank }, by)).toMatchObject({ ok: false, field: 'fundId' });
		expect(editEntry(doc, id, { budgetLineId: newId<'budget-line'>() }, by)).toEqual({ ok: false, reason: 'budget_line_not_found' });
		const reversed = reverseEntry(doc, id, by, 'Erreur');
		if (!reversed.ok) throw new Error(reversed.reason);
		const reversal = reversed.ids[0]!;
		expect(editEntry(doc, reversal, { category: 'other' }, by)).toEqual({ ok: false, reason: 'reversal_follows_original' });
		expect(editEntry(doc, reversal, { note: 'Doublon du 10' }, by)).toEqual({ ok: true, changed: true });
		const t = transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 1, date: '2026-01-12' }, by);
		if (t.ok) expect(editEntry(doc, t.outId, { category: 'purchase' }, by)).toEqual({ ok: false, reason: 'category_fixed' });
		expect(editEntry(doc, newId<'ledger-entry'>(), { note: 'x' }, by)).toEqual({ ok: false, reason: 'not_found' });
	});

	it('moves a reversal with its original when the budget line is corrected', () => {
		const { doc, by } = newSpace();
		const budget = fund(doc, by, { name: 'Festival', kind: 'budget' });
		const sound = created(addBudgetLine(doc, budget, { label: 'Son', planned: 10_000 }, by, 1));
		const food = created(addBudgetLine(doc, budget, { label: 'Cantine', planned: 10_000 }, by, 2));
		const id = entry(doc, by, budget, { amount: 3_000, direction: 'out', category: 'purchase', budgetLineId: sound });
		entry(doc, by, budget, { amount: 1_000, direction: 'out', category: 'purchase', budgetLineId: sound });
		reverseEntry(doc, id, by, 'Annulé');
		editEntry(doc, id, { budgetLineId: food }, by);
		const report = budgetReport(doc, budget);
		expect(report?.lines.map((l) => [l.label, l.spent])).toEqual([
			['Son', 1_000],
			['Cantine', 0]
		]);
		expect(listEntries(doc, { category: 'purchase' }).items).toHaveLength(3);
	});

	it('keeps both sides of concurrent edits of one field visible in the history', () => {
		const { doc: a, by } = newSpace();
		const box = fund(a, by);
		const id = entry(a, by, box, { note: 'Don' });
		const b = replica(a);
		const bob = memberId();
		editEntry(a, id, { note: 'Don de Marie' }, by, 5_000);
		editEntry(b, id, { note: 'Don anonyme' }, bob, 5_001);
		syncDocs(a, b);
		const notes = (doc: Y.Doc) => entryHistory(doc, id).items.map((r) => r.changes.note?.to);
		expect(getEntry(a, id)?.note).toBe(getEntry(b, id)?.note);
		expect(notes(a)).toEqual(['Don de Marie', 'Don anonyme']);
		expect(notes(b)).toEqual(notes(a));
	});

	it('skips and counts unreadable history records', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const id = entry(doc, by, box);
		editEntry(doc, id, { note: 'ok' }, by);
		// A packed entry keeps each edit under a key of its own (ledger.ts).
		const stored = ledgerMap(doc).get(id) as Y.Map<unknown>;
		stored.set('h:junk', 'junk');
		stored.set('h:early', { at: -1, by, changes: {} });
		expect(entryHistory(doc, id)).toMatchObject({ unreadable: 2, items: [{ changes: { note: { from: '', to: 'ok' } } }] });
		expect(entryHistory(doc, newId<'ledger-entry'>())).toEqual({ items: [], unreadable: 0 });
	});
});
