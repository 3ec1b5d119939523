/**
 * What came in, what went out, and what only moved: the one definition of
 * income and spending that every page uses (the ledger's totals, the
 * transparency report). Money received from outside and money spent outside
 * are counted net of their reversals; transfers between the collective's own
 * funds are neither, and are counted on their own line.
 */
import { compareIds } from '../core/order';
import { signed, type LedgerEntry } from './ledger';

export type FlowSide = 'received' | 'spent' | 'transferredIn' | 'transferredOut';

export interface MoneyFlows {
	currency: string;
	/** Money in from outside, net of reversals. */
	received: number;
	/** Money out to outside, net of reversals. */
	spent: number;
	/** Money moved into a fund from another of the collective's funds, net of reversals. */
	transferredIn: number;
	/** Money moved out of a fund into another of the collective's funds, net of reversals. */
	transferredOut: number;
	/** What the entries add up to: received − spent + transferredIn − transferredOut. */
	net: number;
}

/**
 * Where an entry counts and by how much. A reversal counts on its original's
 * side, taking back what the original put there: the reversal of a purchase
 * lowers what was spent, it is not income.
 */
export function flowOf(entry: Pick<LedgerEntry, 'amount' | 'direction' | 'category' | 'reverses'>): { side: FlowSide; amount: number } {
	const original = entry.reverses ? (entry.direction === 'in' ? 'out' : 'in') : entry.direction;
	const amount = original === 'in' ? signed(entry) : -signed(entry);
	if (entry.category === 'transfer') return { side: original === 'in' ? 'transferredIn' : 'transferredOut', amount };
	return { side: original === 'in' ? 'received' : 'spent', amount };
}

/** Adds an entry to its currency's flows, creating them; returns where it counted. */
export function addFlow(byCurrency: Map<string, MoneyFlows>, entry: LedgerEntry): { side: FlowSide; amount: number } {
	let flows = byCurrency.get(entry.currency);
	if (!flows) {
		flows = { currency: entry.currency, received: 0, spent: 0, transferredIn: 0, transferredOut: 0, net: 0 };
		byCurrency.set(entry.currency, flows);
	}
	const flow = flowOf(entry);
	flows[flow.side] += flow.amount;
	flows.net += signed(entry);
	return flow;
}

/** The flows of some entries, one per currency, in code order. */
export function moneyFlows(entries: Iterable<LedgerEntry>): MoneyFlows[] {
	const byCurrency = new Map<string, MoneyFlows>();
	for (const entry of entries) addFlow(byCurrency, entry);
	return sortedFlows(byCurrency);
}

export function sortedFlows<F extends { currency: string }>(byCurrency: Map<string, F>): F[] {
	return [...byCurrency.values()].sort((a, b) => compareIds(a.currency, b.currency));
}
