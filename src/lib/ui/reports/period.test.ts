import { describe, expect, it } from 'vitest';
import { EARLIEST, isLongPeriod, LONG_PERIOD_DAYS } from './period';
import { progressPercent } from './progress';

describe('which reports go to the worker', () => {
	it('keeps a month or a quarter on the page and sends a year, years or the whole history to the worker', () => {
		expect(isLongPeriod('2026-12-01', '2026-12-31')).toBe(false);
		expect(isLongPeriod('2026-07-01', '2026-09-30')).toBe(false);
		expect(isLongPeriod('2026-01-01', '2026-12-04')).toBe(true);
		expect(isLongPeriod('2024-01-01', '2026-11-28')).toBe(true);
		expect(isLongPeriod(EARLIEST, '2026-12-04')).toBe(true);
	});

	it('measures the span whichever date was picked first, and the limit itself stays on the page', () => {
		expect(isLongPeriod('2026-12-31', '2025-01-01')).toBe(true);
		const start = Date.UTC(2026, 0, 1);
		const day = (n: number) => new Date(start + n * 86_400_000).toISOString().slice(0, 10);
		expect(isLongPeriod(day(0), day(LONG_PERIOD_DAYS))).toBe(false);
		expect(isLongPeriod(day(0), day(LONG_PERIOD_DAYS + 1))).toBe(true);
	});

	it('keeps an unreadable date on the page, where the report says what it can', () => {
		expect(isLongPeriod('', '2026-12-04')).toBe(false);
		expect(isLongPeriod('2026-13-45', '2026-12-04')).toBe(false);
	});
});

describe('progress as a percentage', () => {
	it('is whole, 0 before the first step, 100 at the end, never beyond', () => {
		expect(progressPercent(null)).toBe(0);
		expect(progressPercent({ done: 0, total: 0 })).toBe(0);
		expect(progressPercent({ done: 1, total: 3 })).toBe(33);
		expect(progressPercent({ done: 3, total: 3 })).toBe(100);
		expect(progressPercent({ done: 5, total: 3 })).toBe(100);
	});
});
