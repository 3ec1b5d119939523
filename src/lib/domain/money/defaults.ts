/**
 * What the money forms start from, so that a person rarely has to change it:
 * the fund a dues payment goes into, and the currency of a new need.
 */
import type * as Y from 'yjs';
import type { FundId } from '../core/ids';
import { listDues } from './dues';
import { listFunds, type Fund } from './funds';
import { readLedger } from './ledger';

/**
 * The fund a dues payment in each currency goes into unless the person picks
 * another: the open fund that received the last dues recorded in it, else the
 * first cash box opened in it. Alphabetical order once sent payments into
 * "Budget 2027"; a budget is earmarked money, never where dues land by chance.
 */
export function duesFundDefaults(doc: Y.Doc): ReadonlyMap<string, FundId> {
	const open = new Map(listFunds(doc).items.map((f) => [f.id, f]));
	const chosen = new Map<string, FundId>();
	const recordedAt = new Map<string, number>();
	for (const entry of readLedger(doc).items) {
		if (entry.category !== 'dues' || entry.direction !== 'in' || !open.has(entry.fundId)) continue;
		if (entry.createdAt >= (recordedAt.get(entry.currency) ?? -1)) {
			recordedAt.set(entry.currency, entry.createdAt);
			chosen.set(entry.currency, entry.fundId);
		}
	}
	for (const fund of oldestFirst([...open.values()])) {
		if (fund.kind === 'cash' && !chosen.has(fund.currency)) chosen.set(fund.currency, fund.id);
	}
	return chosen;
}

/**
 * The collective's currency, for a new money need: the one most of its open
 * funds hold (the oldest fund's among equals), else the dues', else euros.
 */
export function usualCurrency(doc: Y.Doc): string {
	const counts = new Map<string, number>();
	for (const fund of oldestFirst(listFunds(doc).items)) counts.set(fund.currency, (counts.get(fund.currency) ?? 0) + 1);
	let best: string | null = null;
	for (const [currency, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = currency;
	return best ?? listDues(doc).items.find((s) => s.target === 'default')?.currency ?? 'EUR';
}

function oldestFirst(funds: Fund[]): Fund[] {
	return [...funds].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
