/**
 * Money that reached a need through the ledger rather than by pledges alone.
 * It is what progress.ts takes as `extraDelivered`, kept in this small module
 * so that needs and pledges never depend on the ledger.
 *
 * The rule, one for every page: money counts toward a need when it is
 * received for it or spent on it, and the same euro never twice.
 * - Received: delivered money pledges, and money in earmarked for the need
 *   (a donation with the need's id). The entry that a pledge's delivery
 *   records is that pledge's money: it is not received a second time.
 * - Spent: money out of a fund with the need's id (an allocation, a purchase).
 *   Spending is first the money received for the need leaving its fund, so
 *   only what is spent beyond what was received adds to it.
 * What counts is therefore the larger of received and spent. Each side is
 * net of its reversals. Entries in another currency are not converted and do
 * not count; the ledger shows them with the need's id all the same.
 */
import * as Y from 'yjs';
import type { NeedId, PledgeId } from '../core/ids';
import { derivedViews } from '../core/derived';
import { ledgerMap, pledgesMap, readEntity } from '../core/schema';
import { EntrySchema, storedEntryField, type LedgerEntry } from '../money/ledger';
import { getNeed, quantitySchema, readNeeds, type Need } from './needs';
import { PledgeSchema } from './pledge';
import { sum } from './pledge-state';
import * as v from 'valibot';

/** What reached a money need, each part in minor units of its currency. */
export interface NeedFunding {
	/** Delivered pledges. */
	pledged: number;
	/** Money in earmarked for the need, other than the delivered pledges' own entries. */
	earmarked: number;
	/** Money out of the funds for the need. */
	spent: number;
	/** Of the ledger's money in, what a delivered pledge's entry holds: already in `pledged`. */
	pledgeEntries: number;
	/** What counts toward the need: the larger of received (pledged + earmarked) and spent. */
	counted: number;
	/** `counted` less the delivered pledges: what progress takes as `extraDelivered`. */
	extra: number;
}

const NONE: NeedFunding = { pledged: 0, earmarked: 0, spent: 0, pledgeEntries: 0, counted: 0, extra: 0 };

/** Minor units that reached a money need other than by its delivered pledges; 0 for other kinds. */
export function allocatedToNeed(doc: Y.Doc, needId: NeedId): number {
	return needFunding(doc, needId).extra;
}

/** What reached one need, part by part. */
export function needFunding(doc: Y.Doc, needId: NeedId): NeedFunding {
	const need = getNeed(doc, needId);
	return need ? fundingByNeed(doc, [need])(needId) : NONE;
}

/** The same for many needs at once, reading the ledger once: for `listNeeds` and `needsOverCap`. */
export function allocatedByNeed(doc: Y.Doc, needs: readonly Need[] = readNeeds(doc).items): (needId: NeedId) => number {
	const funding = fundingByNeed(doc, needs);
	return (needId) => funding(needId).extra;
}

/** Every need's funding, part by part, from one reading of the ledger and of the delivered pledges. */
export function fundingByNeed(doc: Y.Doc, needs: readonly Need[] = readNeeds(doc).items): (needId: NeedId) => NeedFunding {
	const currencies = new Map<string, string>(needs.filter((n) => n.kind === 'money').map((n) => [n.id, n.unit]));
	const delivered = derivedViews(doc).get('needs:deliveredMoneyPledges', () => deliveredMoneyPledges(doc));
	const parts = new Map<string, { earmarked: number[]; spent: number[]; pledgeEntries: number[] }>();
	// Kept until the ledger changes: every need's progress asks.
	for (const entry of derivedViews(doc).get('needs:entriesTowardNeeds', () => [...entriesTowardNeeds(doc)])) {
		if (!entry.needId || currencies.get(entry.needId) !== entry.currency) continue;
		let part = parts.get(entry.needId);
		if (!part) parts.set(entry.needId, (part = { earmarked: [], spent: [], pledgeEntries: [] }));
		const inward = entry.reverses === null ? entry.direction === 'in' : entry.direction === 'out';
		const amount = entry.reverses === null ? entry.amount : -entry.amount;
		if (!inward) part.spent.push(amount);
		else if (entry.pledgeId && delivered.get(entry.pledgeId)?.needId === entry.needId) part.pledgeEntries.push(amount);
		else part.earmarked.push(amount);
	}
	const pledgedByNeed = new Map<string, number[]>();
	for (const p of delivered.values()) {
		if (!currencies.has(p.needId)) continue;
		const list = pledgedByNeed.get(p.needId);
		if (list) list.push(p.amount);
		else pledgedByNeed.set(p.needId, [p.amount]);
	}
	return (needId) => {
		if (!currencies.has(needId)) return NONE;
		const part = parts.get(needId);
		const pledged = sum(pledgedByNeed.get(needId) ?? []);
		const earmarked = Math.max(0, sum(part?.earmarked ?? []));
		const spent = Math.max(0, sum(part?.spent ?? []));
		const counted = Math.max(sum([pledged, earmarked]), spent);
		return { pledged, earmarked, spent, pledgeEntries: sum(part?.pledgeEntries ?? []), counted, extra: sum([counted, -pledged]) };
	};
}

/** Delivered pledges in whole minor units, by id: those whose money a ledger entry may hold. */
function deliveredMoneyPledges(doc: Y.Doc): Map<PledgeId, { needId: NeedId; amount: number }> {
	const found = new Map<PledgeId, { needId: NeedId; amount: number }>();
	const money = quantitySchema('money');
	for (const [key, value] of pledgesMap(doc).entries()) {
		if (!(value instanceof Y.Map) || !value.get('deliveredOn')) continue;
		const pledge = readEntity(key, value, PledgeSchema);
		if (pledge && v.is(money, pledge.amount)) found.set(pledge.id, { needId: pledge.needId, amount: pledge.amount });
	}
	return found;
}

/**
 * The entries that may count toward a need, as `readLedger` shows them (a
 * reversal with its original's need and pledge). Only an entry that names a
 * need, or undoes one that may, can count: the others are passed over on two
 * stored fields, without reading them, so that the needs list of a space
 * with tens of thousands of entries does not wait for the whole ledger.
 */
function* entriesTowardNeeds(
	doc: Y.Doc
): Generator<Pick<LedgerEntry, 'needId' | 'currency' | 'amount' | 'direction' | 'reverses' | 'pledgeId'>> {
	const ledger = ledgerMap(doc);
	for (const [key, value] of ledger.entries()) {
		if (!storedEntryField(value, 'needId') && !storedEntryField(value, 'reverses')) continue;
		const entry = readEntity(key, value, EntrySchema);
		if (!entry) continue;
		if (!entry.reverses) {
			yield entry;
			continue;
		}
		const original = readEntity(entry.reverses, ledger.get(entry.reverses), EntrySchema);
		yield original && !original.reverses ? { ...entry, needId: original.needId, pledgeId: original.pledgeId } : entry;
	}
}
