import { describe, expect, it } from 'vitest';
import { newId } from '../domain/ids';
import { newSpaceSecret } from './invite';
import { deriveReadSecret, deriveRelayToken, relayParams } from './keys';

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
