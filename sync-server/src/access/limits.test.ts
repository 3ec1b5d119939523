import { expect, test } from 'vitest';
import { AddressCounter, AddressRate, addressBlock, TokenBucket } from './limits.js';

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

test('an IPv6 address counts as its /64 network, an IPv4 address as itself', () => {
	expect(addressBlock('198.51.100.4')).toBe('198.51.100.4');
	expect(addressBlock('2001:db8:85a3:1:8a2e:370:7334:1')).toBe('2001:db8:85a3:1::/64');
	expect(addressBlock('2001:db8:85a3:0001:ffff::2')).toBe('2001:db8:85a3:1::/64');
	expect(addressBlock('2001:db8::1')).toBe('2001:db8:0:0::/64');
	expect(addressBlock('::1')).toBe('0:0:0:0::/64');
	expect(addressBlock('unknown')).toBe('unknown');
});
