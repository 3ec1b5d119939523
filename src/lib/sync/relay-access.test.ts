import { describe, expect, it } from 'vitest';
import { problemFromCloseCode } from './relay-access';

describe('relay close codes', () => {
	it('tells the relay’s decisions from network trouble', () => {
		expect(problemFromCloseCode(undefined)).toBeNull();
		expect(problemFromCloseCode(1006)).toBeNull();
		expect(problemFromCloseCode(1001)).toBeNull();
		expect(problemFromCloseCode(4403)).toBe('refused');
		expect(problemFromCloseCode(4413)).toBe('too_large');
		expect(problemFromCloseCode(4529)).toBe('busy');
		expect(problemFromCloseCode(4503)).toBe('busy');
	});
});
