/**
 * The canonical encoding of a record a collective signs: JSON with keys in
 * code-unit order at every level, no undefined, no non-finite number, no -0.
 * Two devices that hold the same record produce the same bytes, so the same
 * signature (Ed25519 is deterministic) and the same content hash: two bridges
 * running apart write identical copies, which sync as one.
 */
import { digest } from 'lib0/hash/sha256';
import { toBase64Url } from '../core/ids';

/** What a signed record may hold: plain data only. */
export type Canonical = null | boolean | number | string | readonly Canonical[] | { readonly [key: string]: Canonical };

/** A value that cannot be encoded the same way everywhere: a bug in the caller, never input to recover from. */
export class NotCanonical extends Error {
	constructor(readonly path: string) {
		super(`not canonical at ${path || 'the root'}`);
		this.name = 'NotCanonical';
	}
}

export function canonicalJson(value: unknown, path = ''): string {
	if (value === null) return 'null';
	switch (typeof value) {
		case 'boolean':
			return value ? 'true' : 'false';
		case 'string':
			return JSON.stringify(value);
		case 'number':
			if (!Number.isFinite(value)) throw new NotCanonical(path);
			// -0 and 0 are one number to every reader; JSON already writes both as "0".
			return JSON.stringify(value);
		case 'object': {
			if (Array.isArray(value)) return `[${value.map((item, i) => canonicalJson(item, `${path}[${i}]`)).join(',')}]`;
			const proto = Object.getPrototypeOf(value);
			if (proto !== Object.prototype && proto !== null) throw new NotCanonical(path);
			const record = value as Record<string, unknown>;
			const keys = Object.keys(record).sort();
			const parts: string[] = [];
			for (const key of keys) parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key], path ? `${path}.${key}` : key)}`);
			return `{${parts.join(',')}}`;
		}
		default:
			// undefined, functions, symbols, bigints: JSON would drop or refuse them differently in each place.
			throw new NotCanonical(path);
	}
}

const encoder = new TextEncoder();

export function canonicalBytes(value: unknown): Uint8Array {
	return encoder.encode(canonicalJson(value));
}

/** SHA-256 of the canonical encoding, base64url: synchronous, so that planning stays a pure function. */
export function contentHash(value: unknown): string {
	return toBase64Url(digest(canonicalBytes(value)));
}
