import { createHash, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../domain/core';
import { newSpaceSecret } from './invite';
import {
	committedSpaceId,
	deriveReadSecret,
	deriveRecoveryToken,
	deriveRelayToken,
	newSpaceKeys,
	recoveryHash,
	relayParams
} from './keys';

describe('keys derived from a space secret', () => {
	const spaceId = newId<'space'>();
	const secret = newSpaceSecret();

	it('derives a stable relay token that is not the secret', async () => {
		const a = await deriveRelayToken(secret, spaceId);
		expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(a).not.toContain(secret);
		expect(await deriveRelayToken(secret, spaceId)).toBe(a);
		expect(await deriveRelayToken(newSpaceSecret(), spaceId)).not.toBe(a);
		expect(await deriveRelayToken(secret, newId<'space'>())).not.toBe(a);
	});

	it('gives a read-only device the read token members announce, and no member token', async () => {
		const member = await relayParams(secret, spaceId, 'member');
		const readSecret = await deriveReadSecret(secret, spaceId);
		expect(readSecret).not.toBe(secret);
		const reader = await relayParams(readSecret, spaceId, 'read');
		expect(reader).toEqual({ token: member.readToken });
		expect(reader.token).not.toBe(member.token);
	});
});

describe('recovery key, claim secret and committed space id', () => {
	// Computed here with node:crypto, independently of WebCrypto and of the code under test.
	const recoveryKey = 'R'.repeat(43);
	const claim = 'C'.repeat(43);
	const expectedToken = Buffer.from(
		hkdfSync('sha256', recoveryKey, 'passerelle:recovery', 'passerelle recovery token v1', 32)
	).toString('base64url');
	const expectedHash = createHash('sha256').update(expectedToken, 'utf8').digest('hex');
	const expectedId = createHash('sha256').update(`${claim}.${expectedHash}`, 'utf8').digest('base64url');

	it('derives the recovery token, its hash and the space id as the relay checks them', async () => {
		const token = await deriveRecoveryToken(recoveryKey);
		expect(token).toBe(expectedToken);
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const hash = await recoveryHash(token);
		expect(hash).toBe(expectedHash);
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(await committedSpaceId(claim, hash)).toBe(expectedId);
		expect(expectedId).toHaveLength(43);
	});

	it('gives every new space its own keys, its id committed to them', async () => {
		const a = await newSpaceKeys();
		const b = await newSpaceKeys();
		for (const keys of [a, b]) {
			expect(keys.claim).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(keys.recoveryKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
			const token = Buffer.from(
				hkdfSync('sha256', keys.recoveryKey, 'passerelle:recovery', 'passerelle recovery token v1', 32)
			).toString('base64url');
			expect(keys.recoveryHash).toBe(createHash('sha256').update(token).digest('hex'));
			expect(keys.id).toBe(createHash('sha256').update(`${keys.claim}.${keys.recoveryHash}`).digest('base64url'));
		}
		expect(a.id).not.toBe(b.id);
		expect(a.recoveryKey).not.toBe(b.recoveryKey);
		expect(a.claim).not.toBe(a.recoveryKey);
	});
});
