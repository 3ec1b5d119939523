import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as wire from './wire.js';

describe('the wire constants', () => {
	it('import nothing, since the app bundles the same file for the browser', () => {
		const source = readFileSync(new URL('./wire.ts', import.meta.url), 'utf8');
		expect(source).not.toMatch(/^\s*import\b|\bfrom\s+['"]|\brequire\(/m);
	});

	it('give each close code one name', () => {
		const codes = Object.entries(wire).filter(([name]) => name.startsWith('CLOSE_'));
		expect(new Set(codes.map(([, code]) => code)).size).toBe(codes.length);
	});
});
