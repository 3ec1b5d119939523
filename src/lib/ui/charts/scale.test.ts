import { describe, expect, it } from 'vitest';
import { heightOf, valueRange } from './scale';

describe('chart scales', () => {
	it('always show zero, and never divide by nothing', () => {
		expect(valueRange([300, 1_200, 50])).toEqual({ min: 0, max: 1_200 });
		expect(valueRange([-400, 800])).toEqual({ min: -400, max: 800 });
		expect(valueRange([])).toEqual({ min: 0, max: 1 });
		expect(valueRange([0, 0])).toEqual({ min: 0, max: 1 });
	});

	it('place a value between the bottom and the top', () => {
		const range = valueRange([-400, 800]);
		expect(heightOf(-400, range, 120)).toBe(0);
		expect(heightOf(0, range, 120)).toBe(40);
		expect(heightOf(800, range, 120)).toBe(120);
	});
});
