/**
 * Money that reached a need through the ledger rather than by pledges: an
 * allocation decided by the assembly, or a purchase made for the need from a
 * fund. It is what progress.ts takes as `extraDelivered`, kept in this small
 * module so that needs and pledges never depend on the ledger.
 *
 * What counts: money out of a fund with the need's id, in the need's
 * currency, less the reversals of such entries. Money in with a need's id (a
 * donation earmarked for it) stays in its fund until it is allocated, so it
 * does not count yet. Entries in another currency are not converted and do
 * not count; the ledger shows them with the need's id all the same.
 */
import * as Y from 'yjs';
import type { NeedId } from '../core/ids';
import { derivedViews } from '../core/derived';
import { ledgerMap, readEntity } from '../core/schema';
import { EntrySchema, type LedgerEntry } from '../money/ledger';
import { getNeed, readNeeds, type Need } from './needs';
import { sum } from './pledge-state';

/** Minor units allocated to a money need, net of reversals; 0 for other kinds. */
export function allocatedToNeed(doc: Y.Doc, needId: NeedId): number {
	const need = getNeed(doc, needId);
	return need ? allocatedByNeed(doc, [need])(needId) : 0;
}

/** The same for many needs at once, reading the ledger once: for `listNeeds` and `needsOverCap`. */
export function allocatedByNeed(doc: Y.Doc, needs: readonly Need[] = readNeeds(doc).items): (needId: NeedId) => number {
	const currencies = new Map<string, string>(needs.filter((n) => n.kind === 'money').map((n) => [n.id, n.unit]));
	const totals = new Map<string, number>();
	// Kept until the ledger changes: every need's progress asks.
	for (const entry of derivedViews(doc).get('needs:entriesTowardNeeds', () => [...entriesTowardNeeds(doc)])) {
		const share = toNeed(entry);
		if (share === 0 || !entry.needId || currencies.get(entry.needId) !== entry.currency) continue;
		totals.set(entry.needId, sum([totals.get(entry.needId) ?? 0, share]));
	}
	return (needId) => totals.get(needId) ?? 0;
}

/**
 * The entries that may count toward a need, as `readLedger` shows them (a
 * reversal with its original's need). Only an entry that names a need, or
 * undoes one that may, can count: the others are passed over on two stored
 * fields, without reading them, so that the needs list of a space with tens
 * of thousands of entries does not wait for the whole ledger to be read.
 */
function* entriesTowardNeeds(doc: Y.Doc): Generator<Pick<LedgerEntry, 'needId' | 'currency' | 'amount' | 'direction' | 'reverses'>> {
	const ledger = ledgerMap(doc);
	for (const [key, value] of ledger.entries()) {
		if (!(value instanceof Y.Map) || (!value.get('needId') && !value.get('reverses'))) continue;
		const entry = readEntity(key, value, EntrySchema);
		if (!entry) continue;
		if (!entry.reverses) {
			yield entry;
			continue;
		}
		const original = readEntity(entry.reverses, ledger.get(entry.reverses), EntrySchema);
		yield original && !original.reverses ? { ...entry, needId: original.needId } : entry;
	}
}

/** Money out toward the need counts; a reversal of it (money back in) takes it away. */
function toNeed(entry: Pick<LedgerEntry, 'amount' | 'direction' | 'reverses'>): number {
	if (entry.reverses === null) return entry.direction === 'out' ? entry.amount : 0;
	return entry.direction === 'in' ? -entry.amount : 0;
}
