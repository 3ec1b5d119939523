import { describe, expect, test } from 'vitest';
import { canonicalJson, contentHash, NotCanonical } from './canonical';

describe('canonical encoding', () => {
	test('sorts keys at every level, whatever order they were written in', () => {
		const a = canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'é' } });
		const b = canonicalJson({ a: { c: 'é', d: [1, { y: null, z: true }] }, b: 1 });
		expect(a).toBe(b);
		expect(a).toBe('{"a":{"c":"é","d":[1,{"y":null,"z":true}]},"b":1}');
	});

	test('numbers are written one way: -0 as 0, fractions as their shortest form', () => {
		expect(canonicalJson({ n: -0, f: 2.5, big: 1e21, small: 0.1 + 0.2 })).toBe('{"big":1e+21,"f":2.5,"n":0,"small":0.30000000000000004}');
	});

	test('refuses what would encode differently in different places', () => {
		expect(() => canonicalJson({ a: undefined })).toThrow(NotCanonical);
		expect(() => canonicalJson({ a: Number.NaN })).toThrow(NotCanonical);
		expect(() => canonicalJson({ a: Infinity })).toThrow(/a/);
		expect(() => canonicalJson({ a: [new Date(0)] })).toThrow(/a\[0\]/);
		expect(() => canonicalJson({ a: 1n })).toThrow(NotCanonical);
	});

	test('the content hash follows the content, not the key order', () => {
		expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
		expect(contentHash({ a: 1, b: 2 })).not.toBe(contentHash({ a: 1, b: 3 }));
		expect(contentHash({ a: 1 })).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});
});
