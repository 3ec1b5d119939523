/**
 * Ledger entries are stored with their recorded fields packed under one key
 * (ledger.ts). Documents written before hold every field as its own key: both
 * shapes must read, edit, reverse, conflict and export the same, and the new
 * one must be much smaller, since a ledger holds tens of thousands of entries.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editConflicts } from '../core/revisions';
import { newId, type LedgerEntryId, type MemberId } from '../core/ids';
import { ledgerMap, readEntity } from '../core/schema';
import { allocateMoney } from './allocations';
import { budgetReport, fundBalances } from './balances';
import { ledgerCsv } from './csv';
import { addBudgetLine } from './funds';
import { EntrySchema, getEntry, listEntries, recordEntry, writeEntry, type StoredEntry } from './ledger';
import { editEntry, entryHistory, reverseEntry } from './ledger-corrections';
import { created, entry, fund, replica } from './testing';
import { transferFunds } from './transfers';
import { needFunding } from '../needs/need-funding';
import { addNeed } from '../needs/needs';
import { resolveEditConflict, storedValue } from '../reports/edit-conflicts';
import { memberId, newSpace, syncDocs } from '../space/testing';

/** Every field as its own key, as entries were written before their fields were packed. */
function fullShape(stored: StoredEntry): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	for (const key of ['id', 'fundId', 'date', 'amount', 'currency', 'direction', 'category', 'counterparty', 'note', 'budgetLineId', 'needId', 'decisionId', 'transferId', 'reverses', 'allocationKey'] as const) {
		map.set(key, stored[key]);
	}
	if (stored.pledgeId) map.set('pledgeId', stored.pledgeId);
	for (const key of ['createdAt', 'createdBy', 'updatedAt', 'updatedBy'] as const) map.set(key, stored[key]);
	map.set('history', new Y.Array<unknown>());
	return map;
}

/** Rewrites every entry of `doc` in the full shape, each read back first through the reader under test. */
function inFullShape(doc: Y.Doc): void {
	const ledger = ledgerMap(doc);
	const stored = [...ledger.entries()].map(([key, value]) => readEntity(key, value, EntrySchema));
	doc.transact(() => {
		for (const entry of stored) if (entry) ledger.set(entry.id, fullShape(entry));
	});
}

/** A small ledger using every kind of entry: plain, fully described, a transfer, an allocation, a reversal. */
function varied() {
	const { doc, by } = newSpace();
	const box = fund(doc, by, { kind: 'budget' });
	const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
	const line = created(addBudgetLine(doc, box, { label: 'Matériel', planned: 10_000 }, by));
	const need = created(addNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 50_000 }, by, 1_500));
	const decision = newId<'decision'>();
	entry(doc, by, box, { amount: 20_000, note: '' });
	const described = created(
		recordEntry(
			doc,
			{
				fundId: box,
				date: '2026-03-02',
				amount: 4_250,
				direction: 'out',
				category: 'purchase',
				counterparty: { kind: 'outside', name: 'Quincaillerie' },
				note: 'Perceuse',
				budgetLineId: line,
				needId: need,
				decisionId: decision
			},
			by,
			3_000
		)
	);
	entry(doc, by, bank, { amount: 3_000, counterparty: { kind: 'member', memberId: by }, category: 'dues' }, 3_100);
	expect(transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 1_000, date: '2026-03-04' }, by, 3_200).ok).toBe(true);
	expect(allocateMoney(doc, { allocationKey: `${decision}:0`, fundId: bank, amount: 500, currency: 'EUR', needId: need, decisionId: decision, date: '2026-03-05' }, by, 3_300).ok).toBe(true);
	expect(reverseEntry(doc, described, by, 'Saisie en double', 3_400, { date: '2026-03-06' }).ok).toBe(true);
	return { doc, by, box, bank, need, described };
}

describe('ledger entries, packed or written field by field', () => {
	it('read to equal entries, balances, budget lines, need funding and exports whichever shape they were written in', () => {
		const { doc, box, need } = varied();
		const old = replica(doc);
		inFullShape(old);
		for (const [key, value] of ledgerMap(old).entries()) expect((value as Y.Map<unknown>).has('f'), key).toBe(false);
		expect(listEntries(doc).items).toHaveLength(7);
		expect(listEntries(old)).toEqual(listEntries(doc));
		for (const { id } of listEntries(doc).items) expect(getEntry(old, id)).toEqual(getEntry(doc, id));
		expect(fundBalances(old)).toEqual(fundBalances(doc));
		expect(budgetReport(old, box)).toEqual(budgetReport(doc, box));
		expect(needFunding(old, need)).toEqual(needFunding(doc, need));
		expect(needFunding(doc, need)).toMatchObject({ spent: 500 });
		expect(ledgerCsv(old)).toBe(ledgerCsv(doc));
	});

	it('read an unedited new entry as updated when it was created, and leave out what is empty', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const id = entry(doc, by, box, { note: '' }, 7_000);
		const stored = ledgerMap(doc).get(id) as Y.Map<unknown>;
		expect([...stored.keys()]).toEqual(['f']);
		expect(Object.keys(stored.get('f') as object)).not.toContain('i');
		expect(Object.values(stored.get('f') as object)).not.toContain(null);
		expect(Object.values(stored.get('f') as object)).not.toContain('');
		expect(getEntry(doc, id)).toMatchObject({ note: '', counterparty: null, needId: null, pledgeId: null, updatedAt: 7_000, updatedBy: by, createdAt: 7_000 });
	});

	it('refuse a packed entry whose recorded fields are not a plain object, or fail their schema, and count it', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const good = entry(doc, by, box);
		const ledger = ledgerMap(doc);
		const facts = (ledger.get(good) as Y.Map<unknown>).get('f') as Record<string, unknown>;
		const bad = (id: LedgerEntryId, value: unknown) => {
			const map = new Y.Map<unknown>();
			map.set('f', value);
			ledger.set(id, map);
		};
		const list = newId<'ledger-entry'>();
		bad(list, [1, 2]);
		const text = newId<'ledger-entry'>();
		bad(text, 'facts');
		const negative = newId<'ledger-entry'>();
		bad(negative, { ...facts, a: -5 });
		const noDate = newId<'ledger-entry'>();
		bad(noDate, { ...facts, d: undefined });
		expect(listEntries(doc)).toMatchObject({ unreadable: 4, items: [{ id: good }] });
		expect(getEntry(doc, list)).toBeUndefined();
	});

	it('keep in its history both first edits made offline on two phones', () => {
		for (const full of [false, true]) {
			const { doc, by } = newSpace();
			const box = fund(doc, by);
			const id = entry(doc, by, box);
			if (full) inFullShape(doc);
			const a = replica(doc);
			const b = replica(doc);
			expect(editEntry(a, id, { note: 'Fête' }, by, 5_000).ok).toBe(true);
			expect(editEntry(b, id, { category: 'other' }, memberId(), 5_001).ok).toBe(true);
			syncDocs(a, b);
			for (const d of [a, b]) {
				expect(entryHistory(d, id).items.map((r) => Object.keys(r.changes))).toEqual([['note'], ['category']]);
				expect(getEntry(d, id)).toMatchObject({ note: 'Fête', category: 'other' });
			}
		}
	});

	for (const shape of ['packed', 'field by field'] as const) {
		it(`edit, conflict, settle and reverse the same way when written ${shape}`, () => {
			const { doc, by, box, described } = varied();
			const a = replica(doc);
			if (shape === 'field by field') inFullShape(a);
			const b = replica(a);
			const bob: MemberId = memberId();
			// Different fields on two phones: both stay.
			expect(editEntry(a, described, { note: 'Perceuse à percussion' }, by, 10_000)).toEqual({ ok: true, changed: true });
			expect(editEntry(b, described, { counterparty: { kind: 'outside', name: 'Brico' } }, bob, 10_001)).toEqual({ ok: true, changed: true });
			syncDocs(a, b);
			for (const d of [a, b]) {
				expect(getEntry(d, described)).toMatchObject({
					note: 'Perceuse à percussion',
					counterparty: { kind: 'outside', name: 'Brico' },
					amount: 4_250,
					category: 'purchase',
					date: '2026-03-02'
				});
			}
			// One field on two phones: a conflict, with both values kept and the stored one known.
			const plain = listEntries(a).items.find((e) => e.amount === 20_000)!.id;
			expect(editEntry(a, plain, { note: 'Don de la fête' }, by, 12_000).ok).toBe(true);
			expect(editEntry(b, plain, { note: 'Don du marché' }, bob, 12_001).ok).toBe(true);
			syncDocs(a, b);
			const conflicts = editConflicts(a).filter((c) => c.kind === 'ledger');
			expect(conflicts).toMatchObject([{ entity: plain, field: 'note' }]);
			expect(conflicts[0]!.values.map((v) => v.value).sort()).toEqual(['Don de la fête', 'Don du marché']);
			const edited = { kind: 'ledger' as const, entity: plain, field: 'note' };
			expect([storedValue(a, edited), storedValue(b, edited)]).toEqual([getEntry(a, plain)!.note, getEntry(a, plain)!.note]);
			expect(storedValue(a, { ...edited, field: 'date' })).toBe('2026-01-10');
			expect(storedValue(a, { ...edited, field: 'budgetLineId' })).toBeNull();
			// Settled on the value the merge did not keep, so that settling writes the field.
			const chosen = conflicts[0]!.values.map((v) => v.value).find((v) => v !== getEntry(a, plain)!.note);
			expect(resolveEditConflict(a, edited, chosen, by, 13_000)).toEqual({ ok: true });
			syncDocs(a, b);
			for (const d of [a, b]) {
				expect(editConflicts(d).filter((c) => c.kind === 'ledger')).toEqual([]);
				expect(getEntry(d, plain)).toMatchObject({ note: chosen, updatedAt: 13_000, updatedBy: by, createdAt: 2_000 });
				expect(entryHistory(d, plain).items.map((r) => r.changes.note?.to)).toContain(chosen);
			}
			// A reversal of an edited entry takes its current attribution; the balance follows.
			expect(editEntry(a, plain, { date: '2026-02-01' }, by, 14_000).ok).toBe(true);
			const reversed = reverseEntry(a, plain, by, 'Erreur', 15_000, { date: '2026-03-10' });
			expect(reversed.ok).toBe(true);
			expect(getEntry(a, plain)).toMatchObject({ date: '2026-02-01', reversedBy: reversed.ok ? reversed.ids[0] : null });
			expect(fundBalances(a).find((f) => f.fundId === box)?.balance).toBe(20_000 - 4_250 + 4_250 - 1_000 - 20_000);
			expect(listEntries(a).unreadable).toBe(0);
		});
	}

	it('take at most 60% of the bytes and a tenth of the Yjs items of entries written field by field', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const decision = newId<'decision'>();
		const base = replica(doc);
		const count = 300;
		for (let i = 0; i < count; i++) {
			recordEntry(
				doc,
				{
					fundId: box,
					date: `2026-0${1 + (i % 9)}-1${i % 10}`,
					amount: 100 + i,
					direction: i % 3 ? 'out' : 'in',
					category: i % 3 ? 'purchase' : 'donation',
					counterparty: i % 2 ? { kind: 'outside', name: 'Épicerie du coin' } : { kind: 'member', memberId: by },
					note: i % 4 ? 'Courses de la semaine' : '',
					decisionId: i % 5 ? null : decision
				},
				by,
				1_800_000_000_000 + i * 60_000
			);
		}
		// Both written the same way, without the activity records that recording appends.
		const stored = listEntries(doc).items.map(({ reversedBy: _, ...e }): StoredEntry => e);
		const packed = replica(base);
		const old = replica(base);
		packed.transact(() => {
			for (const e of stored) writeEntry(packed, e.id, e, e.createdBy, e.createdAt);
		});
		old.transact(() => {
			for (const e of stored) ledgerMap(old).set(e.id, fullShape(e));
		});
		expect(listEntries(old)).toEqual(listEntries(doc));
		expect(listEntries(packed)).toEqual(listEntries(doc));
		const perEntry = (d: Y.Doc, encode: (d: Y.Doc) => Uint8Array) => (encode(d).length - encode(base).length) / count;
		const v1 = [perEntry(old, Y.encodeStateAsUpdate), perEntry(packed, Y.encodeStateAsUpdate)];
		const v2 = [perEntry(old, Y.encodeStateAsUpdateV2), perEntry(packed, Y.encodeStateAsUpdateV2)];
		const items = (d: Y.Doc) => [...d.store.clients.values()].reduce((n, structs) => n + structs.length, 0);
		const structs = [(items(old) - items(base)) / count, (items(packed) - items(base)) / count];
		// Figures for the record: bytes per entry in update v1 and v2, and Yjs items per entry, old then new.
		console.info(`ledger entry, field by field → packed: v1 ${v1.map(Math.round).join(' → ')} B, v2 ${v2.map(Math.round).join(' → ')} B, items ${structs.join(' → ')}`);
		expect(v1[1]!).toBeLessThan(0.6 * v1[0]!);
		expect(v2[1]!).toBeLessThan(0.6 * v2[0]!);
		expect(structs[1]!).toBeLessThanOrEqual(structs[0]! / 10);
	});
});
