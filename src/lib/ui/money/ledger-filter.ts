/**
 * The ledger's filters live in the page address (?fund=…&from=…), so a
 * filtered view survives a reload, can be bookmarked, and other pages can
 * link to it (a fund's entries, a member's dues, a decision's spending).
 */
import * as v from 'valibot';
import { entityId, isoDate } from '../../domain/core';
import { LEDGER_CATEGORIES, type LedgerFilter } from '../../domain/money';

const PARAMS = {
	fundId: 'fund',
	category: 'category',
	from: 'from',
	to: 'to',
	memberId: 'member',
	decisionId: 'decision',
	needId: 'need'
} as const;
export type FilterKey = keyof typeof PARAMS;
export const FILTER_KEYS: readonly FilterKey[] = ['fundId', 'category', 'from', 'to', 'memberId', 'decisionId', 'needId'];

const fundId = entityId<'fund'>();
const memberId = entityId<'member'>();
const decisionId = entityId<'decision'>();
const needId = entityId<'need'>();

/** Reads what the address holds; a value of the wrong shape is dropped, never passed on. */
export function filterFromParams(params: URLSearchParams): LedgerFilter {
	const filter: LedgerFilter = {};
	const read = <T>(key: FilterKey, schema: v.GenericSchema<T>): T | undefined => {
		const value = params.get(PARAMS[key]);
		return v.is(schema, value) ? value : undefined;
	};
	const category = LEDGER_CATEGORIES.find((c) => c === params.get(PARAMS.category));
	if (category) filter.category = category;
	const fund = read('fundId', fundId);
	if (fund) filter.fundId = fund;
	const member = read('memberId', memberId);
	if (member) filter.memberId = member;
	const decision = read('decisionId', decisionId);
	if (decision) filter.decisionId = decision;
	const need = read('needId', needId);
	if (need) filter.needId = need;
	const from = read('from', isoDate);
	if (from) filter.from = from;
	const to = read('to', isoDate);
	if (to) filter.to = to;
	return filter;
}

/** The query string for a filter, in a stable order; empty values are left out. */
export function filterToQuery(filter: LedgerFilter): string {
	const params = new URLSearchParams();
	for (const key of FILTER_KEYS) {
		const value = filter[key];
		if (value) params.set(PARAMS[key], value);
	}
	const query = params.toString();
	return query ? `?${query}` : '';
}

export function isFiltered(filter: LedgerFilter): boolean {
	return FILTER_KEYS.some((key) => Boolean(filter[key]));
}
