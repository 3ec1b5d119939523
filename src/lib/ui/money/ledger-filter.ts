/**
 * The ledger's filters live in the page address (?fund=…&from=…), so a
 * filtered view survives a reload, can be bookmarked, and other pages can
 * link to it (a fund's entries, a member's dues, a decision's spending).
 */
import type { DecisionId, FundId, MemberId, NeedId } from '../../domain/core';
import { LEDGER_CATEGORIES, type LedgerCategory, type LedgerFilter } from '../../domain/money';

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
export const FILTER_KEYS = Object.keys(PARAMS) as FilterKey[];

const ID = /^[A-Za-z0-9_-]{16,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads what the address holds; a value of the wrong shape is dropped, never passed on. */
export function filterFromParams(params: URLSearchParams): LedgerFilter {
	const filter: LedgerFilter = {};
	const id = (key: string) => {
		const value = params.get(key) ?? '';
		return ID.test(value) ? value : undefined;
	};
	const date = (key: string) => {
		const value = params.get(key) ?? '';
		return DATE.test(value) ? value : undefined;
	};
	const category = params.get(PARAMS.category);
	if (category && (LEDGER_CATEGORIES as readonly string[]).includes(category)) filter.category = category as LedgerCategory;
	const fundId = id(PARAMS.fundId);
	if (fundId) filter.fundId = fundId as FundId;
	const memberId = id(PARAMS.memberId);
	if (memberId) filter.memberId = memberId as MemberId;
	const decisionId = id(PARAMS.decisionId);
	if (decisionId) filter.decisionId = decisionId as DecisionId;
	const needId = id(PARAMS.needId);
	if (needId) filter.needId = needId as NeedId;
	const from = date(PARAMS.from);
	if (from) filter.from = from;
	const to = date(PARAMS.to);
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
