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
import type * as Y from 'yjs';
import type { NeedId } from '../core/ids';
import { readLedger, type LedgerEntry } from '../money/ledger';
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
	for (const entry of readLedger(doc).items) {
		const share = toNeed(entry);
		if (share === 0 || !entry.needId || currencies.get(entry.needId) !== entry.currency) continue;
		totals.set(entry.needId, sum([totals.get(entry.needId) ?? 0, share]));
	}
	return (needId) => totals.get(needId) ?? 0;
}

/** Money out toward the need counts; a reversal of it (money back in) takes it away. */
function toNeed(entry: LedgerEntry): number {
	if (entry.reverses === null) return entry.direction === 'out' ? entry.amount : 0;
	return entry.direction === 'in' ? -entry.amount : 0;
}
