/**
 * The state of a pledge, derived and never stored: from its delivery and
 * withdrawal marks, its need, and the other pledges of the need. Pure
 * functions, identical on every replica that holds the same data, whatever
 * order the updates arrived in.
 *
 * A conditional pledge ("two shares, if the plan goes ahead") counts only if
 * the pledges made up to its date, firm or conditional, not withdrawn by
 * then, reach its threshold. Until the date it is 'conditional' or
 * 'converted' (a withdrawal before the date can take it back to
 * 'conditional'); after the date it is 'converted' or 'lapsed' for good.
 * Closing the need lapses the conditional pledges that have not converted.
 */
import type { PledgeId } from '../core/ids';
import { compareIds } from '../core/order';
import type { Need } from './needs';
import type { Pledge } from './pledge';

export const PLEDGE_STATES = ['promised', 'conditional', 'converted', 'lapsed', 'delivered', 'withdrawn'] as const;
export type PledgeState = (typeof PLEDGE_STATES)[number];

/**
 * The state of a pledge on `today` (YYYY-MM-DD), from `pledges`, every pledge
 * of its need in any order. A pure function of its arguments: identical on
 * every replica that holds the same data.
 */
export function pledgeState(pledge: Pledge, need: Pick<Need, 'status'>, pledges: readonly Pledge[], today: string): PledgeState {
	return stateWith(pledge, need, today, (by) => standingTotal(pledges, by));
}

/** The states of all the pledges of a need at once, counting each condition date's total once. */
export function pledgeStates(need: Pick<Need, 'status'>, pledges: readonly Pledge[], today: string): Map<PledgeId, PledgeState> {
	const totals = new Map<string, number>();
	const totalBy = (by: string) => {
		let total = totals.get(by);
		if (total === undefined) totals.set(by, (total = standingTotal(pledges, by)));
		return total;
	};
	return new Map(pledges.map((p) => [p.id, stateWith(p, need, today, totalBy)]));
}

function stateWith(pledge: Pledge, need: Pick<Need, 'status'>, today: string, totalBy: (by: string) => number): PledgeState {
	if (pledge.deliveredOn !== null) return 'delivered';
	if (pledge.withdrawnOn !== null) return 'withdrawn';
	if (pledge.conditionThreshold === null || pledge.conditionBy === null) return 'promised';
	if (totalBy(pledge.conditionBy) >= pledge.conditionThreshold) return 'converted';
	if (today > pledge.conditionBy || need.status === 'closed') return 'lapsed';
	return 'conditional';
}

/**
 * What counts toward a threshold dated `by`: every pledge made on or before
 * it, firm or conditional, unless withdrawn on or before it. What happens
 * after the date cannot undo a conversion.
 */
function standingTotal(pledges: readonly Pledge[], by: string): number {
	return sum(
		pledges
			.filter((p) => p.pledgedOn <= by && (p.deliveredOn !== null || p.withdrawnOn === null || p.withdrawnOn > by))
			.map((p) => p.amount)
	);
}

/** Whether a pledge in this state counts toward the cap: firm or still hoped for. */
export function counts(state: PledgeState): boolean {
	return state === 'delivered' || state === 'promised' || state === 'converted' || state === 'conditional';
}

/** Marked both delivered and withdrawn, on two devices that had not met: for people to resolve. */
export function isContested(pledge: Pledge): boolean {
	return pledge.deliveredOn !== null && pledge.withdrawnOn !== null;
}

/** Oldest first, ties broken by id: the same order on every replica. */
export function byCreation<T extends { createdAt: number; id: string }>(items: readonly T[]): T[] {
	return [...items].sort((a, b) => a.createdAt - b.createdAt || compareIds(a.id, b.id));
}

/**
 * Adds quantities exactly and in any order with the same result: whole
 * numbers (money) as they are, fractional ones (2.5 h, 0.1 kg) in fixed
 * millionths, so that 0.1 + 0.2 kg reaches a 0.3 kg threshold.
 */
export function sum(values: readonly number[]): number {
	if (values.every(Number.isInteger)) return values.reduce((a, b) => a + b, 0);
	return values.reduce((a, b) => a + Math.round(b * 1e6), 0) / 1e6;
}
