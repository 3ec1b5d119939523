/**
 * A space written before ledger entries were packed and before new items left
 * their empty fields out: its update, and what the readers of that time read
 * of it (testdata/written-field-by-field.json, written by that version's own
 * domain functions). It must read the same today, and take edits as before.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { LedgerEntryId } from '../core/ids';
import { ledgerMap } from '../core/schema';
import { listBookings } from '../bookings/bookings';
import { listResources, updateResource } from '../inventory/resources';
import { readNeeds } from '../needs/needs';
import { listPledges } from '../needs/pledges';
import { fundBalances } from './balances';
import { getEntry, listEntries, recordEntry } from './ledger';
import { editEntry, entryHistory, reverseEntry } from './ledger-corrections';
import written from './testdata/written-field-by-field.json';

function load(): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, new Uint8Array(Buffer.from(written.update, 'base64')));
	return doc;
}

const edited = written.edited as LedgerEntryId;

describe('a space written field by field, before', () => {
	it('reads as it read then: ledger, balances, an entry’s history, inventory, needs, pledges and bookings', () => {
		const doc = load();
		expect(listEntries(doc)).toEqual(written.read.ledger);
		expect(fundBalances(doc)).toEqual(written.read.balances);
		expect(entryHistory(doc, edited)).toEqual(written.read.history);
		expect(listResources(doc)).toEqual(written.read.resources);
		expect(listResources(doc, { removed: true })).toEqual(written.read.removed);
		expect(readNeeds(doc)).toEqual(written.read.needs);
		expect(listPledges(doc)).toEqual(written.read.pledges);
		// With the marks added since (a loan's return) read as not made.
		const noReturn = { returnedAt: null, returnedBy: null, returnReportedAt: null };
		expect(listBookings(doc)).toEqual({ ...written.read.bookings, items: written.read.bookings.items.map((booking) => ({ ...booking, ...noReturn })) });
		expect(listEntries(doc).items).toHaveLength(8);
	});

	it('takes edits, reversals and new entries beside its old ones, without rewriting them', () => {
		const doc = load();
		const before = listEntries(doc).items;
		const stored = ledgerMap(doc).get(edited) as Y.Map<unknown>;
		expect(stored.has('f')).toBe(false);
		const by = before[0]!.createdBy;
		expect(editEntry(doc, edited, { note: 'Février' }, by, Date.UTC(2026, 1, 1))).toEqual({ ok: true, changed: true });
		expect(ledgerMap(doc).get(edited)).toBe(stored);
		expect(stored.get('note')).toBe('Février');
		expect(entryHistory(doc, edited).items.map((r) => r.changes.note?.to)).toEqual(['Janvier', undefined, 'Février']);
		const reversed = reverseEntry(doc, edited, by, 'Erreur', Date.UTC(2026, 1, 2), { date: '2026-02-02' });
		expect(reversed.ok).toBe(true);
		const fresh = recordEntry(doc, { fundId: before[0]!.fundId, date: '2026-02-03', amount: 700, direction: 'in', category: 'donation' }, by, Date.UTC(2026, 1, 3));
		expect(fresh.ok).toBe(true);
		if (!fresh.ok || !reversed.ok) return;
		expect((ledgerMap(doc).get(fresh.id) as Y.Map<unknown>).has('f')).toBe(true);
		expect(getEntry(doc, edited)).toMatchObject({ note: 'Février', reversedBy: reversed.ids[0] });
		expect(getEntry(doc, reversed.ids[0]!)).toMatchObject({ reverses: edited, amount: 1_500, counterparty: { kind: 'outside', name: 'Voisin' } });
		const box = fundBalances(doc).find((f) => f.fundId === before[0]!.fundId)!;
		const then = written.read.balances.find((f) => f.fundId === before[0]!.fundId)!;
		expect(box.balance).toBe(then.balance - 1_500 + 700);
		expect(listEntries(doc)).toMatchObject({ unreadable: 0, items: { length: 10 } });
		const van = listResources(doc).items[0]!;
		expect(updateResource(doc, van.id, { location: van.location }, by)).toEqual({ ok: true, changed: false });
	});
});
