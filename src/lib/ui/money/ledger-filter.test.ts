import { describe, expect, it } from 'vitest';
import { filterFromParams, filterToQuery, isFiltered } from './ledger-filter';

const FUND = 'AAAAAAAAAAAAAAAAAAAAAA';
const MEMBER = 'BBBBBBBBBBBBBBBBBBBBBB';

describe('ledger filter in the address', () => {
	it('round-trips every filter', () => {
		const filter = filterFromParams(
			new URLSearchParams(`fund=${FUND}&category=purchase&from=2026-01-01&to=2026-03-31&member=${MEMBER}`)
		);
		expect(filter).toEqual({ fundId: FUND, category: 'purchase', from: '2026-01-01', to: '2026-03-31', memberId: MEMBER });
		expect(filterToQuery(filter)).toBe(`?fund=${FUND}&category=purchase&from=2026-01-01&to=2026-03-31&member=${MEMBER}`);
		expect(isFiltered(filter)).toBe(true);
	});

	it('drops values of the wrong shape rather than passing them on', () => {
		const filter = filterFromParams(new URLSearchParams('fund=x&category=theft&from=yesterday&decision=<script>'));
		expect(filter).toEqual({});
		expect(filterToQuery(filter)).toBe('');
		expect(isFiltered(filter)).toBe(false);
	});
});
