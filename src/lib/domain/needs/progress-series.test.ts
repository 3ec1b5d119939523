import { describe, expect, it } from 'vitest';
import { deliverPledge, withdrawPledge } from './pledges';
import { needProgressSeries } from './progress-series';
import { at, moneyNeed, pledge } from './testing';
import { newSpace } from '../space/testing';

describe('a need’s progress over time', () => {
	it('gives, week by week, what was delivered, promised and promised under a condition as the pledges stood', () => {
		const { doc, by } = newSpace();
		const need = moneyNeed(doc, by, { target: 10_000 }, at('2026-03-01'));
		const a = pledge(doc, need, 3_000, by, at('2026-03-02'));
		pledge(doc, need, 2_000, by, at('2026-03-09'), { condition: { threshold: 8_000, by: '2026-04-30' } });
		const b = pledge(doc, need, 1_000, by, at('2026-03-10'));
		expect(deliverPledge(doc, a, { deliveredOn: '2026-03-16' }, by, at('2026-03-16')).ok).toBe(true);
		expect(withdrawPledge(doc, b, { reason: 'plus possible' }, by, at('2026-03-20')).ok).toBe(true);
		const series = needProgressSeries(doc, need, '2026-03-22')!;
		expect(series.target).toBe(10_000);
		expect(series.points).toEqual([
			{ day: '2026-03-01', delivered: 0, promised: 0, conditional: 0 },
			{ day: '2026-03-08', delivered: 0, promised: 3_000, conditional: 0 },
			{ day: '2026-03-15', delivered: 0, promised: 4_000, conditional: 2_000 },
			{ day: '2026-03-22', delivered: 3_000, promised: 0, conditional: 2_000 }
		]);
	});
});
