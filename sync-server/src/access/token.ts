// Tokens are secrets derived from an invite; the relay keeps only their SHA-256, so a
// stolen database does not let anyone into a room.
import { createHash, timingSafeEqual } from 'node:crypto';

export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes, so timing does not leak a stored hash. */
export function sameHash(a: string, b: string): boolean {
	const left = Buffer.from(a, 'hex');
	const right = Buffer.from(b, 'hex');
	return left.length === right.length && timingSafeEqual(left, right);
}

/** Constant-time comparison of two secrets given in clear (a claim key, a committed id). */
export function sameSecret(a: string, b: string): boolean {
	// Hashed first, so that the comparison takes as long whatever the lengths.
	return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
