import { expect, test } from 'vitest';
import { AddressCounter, AddressRate, TokenBucket } from './limits.js';

test('a token bucket allows a burst, then the sustained rate', () => {
	let now = 0;
	const bucket = new TokenBucket(10, 5, () => now);
	for (let n = 0; n < 5; n++) expect(bucket.take()).toBe(true);
	expect(bucket.take()).toBe(false);
	now += 100; // one token back per 100 ms at 10/s
	expect(bucket.take()).toBe(true);
	expect(bucket.take()).toBe(false);
	now += 60_000; // a long pause refills up to the burst, not beyond
	for (let n = 0; n < 5; n++) expect(bucket.take()).toBe(true);
	expect(bucket.take()).toBe(false);
});

test('addresses are counted while connected and forgotten at zero', () => {
	const counter = new AddressCounter(2);
	counter.add('10.0.0.1');
	expect(counter.hasRoom('10.0.0.1')).toBe(true);
	counter.add('10.0.0.1');
	expect(counter.hasRoom('10.0.0.1')).toBe(false);
	expect(counter.hasRoom('10.0.0.2')).toBe(true);
	counter.remove('10.0.0.1');
	counter.remove('10.0.0.1');
	expect(counter.addresses).toBe(0);
	expect(new AddressCounter(0).hasRoom('anything')).toBe(true);
});

test('new rooms per address are counted over a sliding window', () => {
	let now = 0;
	const rate = new AddressRate(2, 1000, () => now);
	expect(rate.take('10.0.0.1')).toBe(true);
	now = 400;
	expect(rate.take('10.0.0.1')).toBe(true);
	expect(rate.take('10.0.0.1')).toBe(false);
	expect(rate.take('10.0.0.2')).toBe(true);
	now = 1001; // the first one left the window, not the second
	expect(rate.take('10.0.0.1')).toBe(true);
	expect(rate.take('10.0.0.1')).toBe(false);
	expect(new AddressRate(0, 1000).take('anything')).toBe(true);
});
