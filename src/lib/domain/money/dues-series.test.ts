import { describe, expect, it } from 'vitest';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';
import { recordDuesPayment, setDues } from './dues';
import { duesCollection } from './dues-series';
import { fund } from './testing';

describe('dues collected month by month', () => {
	it('says what the periods of each month asked for, what was paid in it, and who was late at its end', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', Date.UTC(2025, 11, 1));
		// Alice's device joined in 2023 (newSpace); her dues, like Bob's, run from January.
		const box = fund(doc, by);
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by);
		recordDuesPayment(doc, { memberId: bob, amount: 2_000, fundId: box, date: '2026-02-03', note: '' }, by);
		recordDuesPayment(doc, { memberId: by, amount: 1_000, fundId: box, date: '2026-01-20', note: '' }, by);
		expect(duesCollection(doc, '2026-01-01', '2026-03-10')).toEqual([
			{
				currency: 'EUR',
				months: [
					{ month: '2026-01', expected: 2_000, paid: 1_000, late: 0 },
					{ month: '2026-02', expected: 2_000, paid: 2_000, late: 0 },
					{ month: '2026-03', expected: 2_000, paid: 0, late: 1 }
				]
			}
		]);
	});
});
