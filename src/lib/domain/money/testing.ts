/** Small builders for the tests of funds, the ledger and dues. */
import * as Y from 'yjs';
import { createFund, type FundInput } from './funds';
import type { FundId, LedgerEntryId, MemberId } from '../core/ids';
import { recordEntry, type EntryInput } from './ledger';
import { created, syncDocs } from '../space/testing';

export { created };

export function fund(doc: Y.Doc, by: MemberId, input: Partial<FundInput> = {}, now = 1_000): FundId {
	return created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR', ...input }, by, now));
}

/** Records an entry with sensible defaults and returns its id; a refusal fails the test. */
export function entry(doc: Y.Doc, by: MemberId, fundId: FundId, input: Partial<EntryInput> = {}, now = 2_000): LedgerEntryId {
	const result = recordEntry(
		doc,
		{ fundId, date: '2026-01-10', amount: 1000, direction: 'in', category: 'donation', ...input },
		by,
		now
	);
	if (!result.ok) throw new Error(`entry refused: ${result.reason}`);
	return result.id;
}

/** A second replica holding everything the first one has. */
export function replica(of: Y.Doc): Y.Doc {
	const doc = new Y.Doc();
	syncDocs(of, doc);
	return doc;
}
