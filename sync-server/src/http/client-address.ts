// Which address a connection counts against for the per-address limit. Directly on the
// internet it is the socket's peer. Behind a reverse proxy every socket comes from the
// proxy, so the proxy's X-Forwarded-For is believed, but only from proxies named in
// TRUST_PROXY: anyone else could write any address there and dodge the limit.
import { isIP } from 'node:net';

/** The same address however the socket reports it (IPv4 may come mapped into IPv6). */
export function normalizeAddress(address: string): string {
	const trimmed = address.trim().toLowerCase();
	return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * Parses TRUST_PROXY: a comma-separated list of IP addresses. Throws on anything else,
 * naming the entry, so a typo does not silently trust nobody (or everybody).
 */
export function parseTrustedProxies(value: string | undefined): Set<string> {
	const trusted = new Set<string>();
	if (value === undefined || value.trim() === '') return trusted;
	for (const entry of value.split(',')) {
		const address = normalizeAddress(entry);
		if (isIP(address) === 0) throw new Error(`TRUST_PROXY must list IP addresses, got "${entry.trim()}"`);
		trusted.add(address);
	}
	return trusted;
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy; then the nearest
 * address in X-Forwarded-For that is not itself a trusted proxy (read from the right:
 * what is further left was written by the client, who may lie).
 */
export function clientAddress(
	peer: string | undefined,
	forwardedFor: string | string[] | undefined,
	trusted: ReadonlySet<string>
): string {
	const direct = peer === undefined ? 'unknown' : normalizeAddress(peer);
	if (!trusted.has(direct) || forwardedFor === undefined) return direct;
	const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
		.split(',')
		.map(normalizeAddress)
		.filter((hop) => hop !== '');
	for (let i = hops.length - 1; i >= 0; i--) {
		const hop = hops[i] as string;
		if (isIP(hop) === 0) return direct;
		if (!trusted.has(hop)) return hop;
	}
	return direct;
}
