import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../domain/core';
import { createFund, readLedger, recordEntry } from '../domain/money';
import { newSpace } from '../domain/space/testing';
import { readingAhead, SLICE } from './read-ahead';

function afresh(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

describe('reading a space ahead', () => {
	it('reads the ledger and the history in slices, and what the pages then show is what a fresh reading shows', () => {
		const { doc, by } = newSpace();
		const fund = createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR', description: '', lines: [] }, by);
		if (!fund.ok) throw new Error(fund.reason);
		const entries = SLICE * 3 + 7;
		for (let i = 0; i < entries; i++) {
			const result = recordEntry(doc, { fundId: fund.id, date: '2026-03-01', amount: 100 + i, direction: 'in', category: 'donation', note: '' }, by, 1_700_000_000_000 + i);
			if (!result.ok) throw new Error(result.reason);
		}
		let slices = 0;
		for (const _ of readingAhead(doc)) slices++;
		// The ledger alone takes four slices, the history (one record per entry, and the space's own) two more.
		expect(slices).toBeGreaterThanOrEqual(Math.ceil(entries / SLICE) + Math.ceil(entries / (SLICE * 2)));
		expect(readLedger(doc)).toEqual(readLedger(afresh(doc)));
		expect(listActivity(doc)).toEqual(listActivity(afresh(doc)));
		// An entry recorded after the reading ahead is read like the others.
		recordEntry(doc, { fundId: fund.id, date: '2026-03-02', amount: 5, direction: 'out', category: 'purchase', note: '' }, by, 1_800_000_000_000);
		expect(readLedger(doc)).toEqual(readLedger(afresh(doc)));
		expect(listActivity(doc)).toEqual(listActivity(afresh(doc)));
	});
});
