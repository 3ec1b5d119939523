import { expect, test } from 'vitest';
import { clientAddress, normalizeAddress, parseTrustedProxies } from './client-address.js';

const proxy = parseTrustedProxies('127.0.0.1, ::1');

test('without a trusted proxy, the peer is the client, whatever the header says', () => {
	expect(clientAddress('203.0.113.7', '10.0.0.1', new Set())).toBe('203.0.113.7');
	expect(clientAddress('203.0.113.7', '10.0.0.1', proxy)).toBe('203.0.113.7');
	expect(clientAddress(undefined, undefined, proxy)).toBe('unknown');
});

test('behind a trusted proxy, the nearest untrusted hop of X-Forwarded-For is the client', () => {
	expect(clientAddress('::ffff:127.0.0.1', '198.51.100.4', proxy)).toBe('198.51.100.4');
	// The client wrote the first entry itself; the proxy appended the real one.
	expect(clientAddress('127.0.0.1', '1.2.3.4, 198.51.100.4', proxy)).toBe('198.51.100.4');
	// Two proxies of our own in a row.
	expect(clientAddress('127.0.0.1', '198.51.100.4, ::1', proxy)).toBe('198.51.100.4');
	expect(clientAddress('::1', ['198.51.100.4', '127.0.0.1'], proxy)).toBe('198.51.100.4');
});

test('a trusted proxy without the header, or with garbage in it, counts as itself', () => {
	expect(clientAddress('127.0.0.1', undefined, proxy)).toBe('127.0.0.1');
	expect(clientAddress('127.0.0.1', 'not an address', proxy)).toBe('127.0.0.1');
	expect(clientAddress('127.0.0.1', '127.0.0.1', proxy)).toBe('127.0.0.1');
});

test('TRUST_PROXY takes IP addresses only, and names what it refuses', () => {
	expect([...parseTrustedProxies('10.0.0.2,::FFFF:10.0.0.3')]).toEqual(['10.0.0.2', '10.0.0.3']);
	expect(parseTrustedProxies(undefined).size).toBe(0);
	expect(parseTrustedProxies(' ').size).toBe(0);
	expect(() => parseTrustedProxies('10.0.0.2, proxy.local')).toThrow('proxy.local');
	expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
});
