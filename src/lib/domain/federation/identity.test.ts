import { describe, expect, test } from 'vitest';
import { randomToken, toBase64Url } from '../core/ids';
import { collectiveIdOf, deriveIdentity, fromBase64Url, signRecord, verifyRecord } from './identity';

const secret = 'Xx3aW2y9Qd0v6m_T1rZb8kP5nL4sH7cJ-fG2eA0uB9o';
const spaceId = 'space-ABCDEFGHIJKLMNOP';

describe('collective identity', () => {
	test('the same secret and space give the same keys on every device; another secret or space, others', async () => {
		const one = await deriveIdentity(secret, spaceId);
		const two = await deriveIdentity(secret, spaceId);
		expect(two.publicKey).toBe(one.publicKey);
		expect(two.collective).toBe(one.collective);
		expect(fromBase64Url(one.publicKey)).toHaveLength(32);
		expect(one.collective).toBe(await collectiveIdOf(one.publicKey));
		// Signatures are deterministic too: two devices sign a record to the same bytes.
		const record = { name: 'Cantine', n: 3 };
		expect(await signRecord(two, record)).toBe(await signRecord(one, record));

		const other = await deriveIdentity(randomToken(32), spaceId);
		const elsewhere = await deriveIdentity(secret, 'space-QRSTUVWXYZ012345');
		expect(new Set([one.publicKey, other.publicKey, elsewhere.publicKey]).size).toBe(3);
		expect(one.privateKey.extractable).toBe(false);
	});

	test('a signature verifies for its key and record, and fails for a flipped byte, another key or a changed field', async () => {
		const identity = await deriveIdentity(secret, spaceId);
		const record = { collective: identity.collective, type: 'offer', public: { name: 'Camionnette', quantity: 1 } };
		const sig = await signRecord(identity, record);
		expect(await verifyRecord(identity.publicKey, record, sig)).toBe(true);
		// Key order does not matter: the encoding is canonical.
		expect(await verifyRecord(identity.publicKey, { public: { quantity: 1, name: 'Camionnette' }, type: 'offer', collective: identity.collective }, sig)).toBe(true);

		const raw = fromBase64Url(sig);
		for (const at of [0, 31, 63]) {
			const flipped = raw.slice();
			flipped[at] = (flipped[at] ?? 0) ^ 1;
			expect(await verifyRecord(identity.publicKey, record, toBase64Url(flipped))).toBe(false);
		}
		const other = await deriveIdentity(randomToken(32), spaceId);
		expect(await verifyRecord(other.publicKey, record, sig)).toBe(false);
		expect(await verifyRecord(identity.publicKey, { ...record, type: 'need' }, sig)).toBe(false);
		expect(await verifyRecord(identity.publicKey, { ...record, public: { name: 'Camionnette', quantity: 2 } }, sig)).toBe(false);
		expect(await verifyRecord(identity.publicKey, { ...record, extra: null }, sig)).toBe(false);
	});

	test('malformed keys, signatures and bodies are not verified, and throw nothing', async () => {
		const identity = await deriveIdentity(secret, spaceId);
		const record = { a: 1 };
		const sig = await signRecord(identity, record);
		expect(await verifyRecord('not base64 !', record, sig)).toBe(false);
		expect(await verifyRecord(identity.publicKey.slice(0, 20), record, sig)).toBe(false);
		expect(await verifyRecord(identity.publicKey, record, sig.slice(0, 40))).toBe(false);
		expect(await verifyRecord(identity.publicKey, record, '%%%')).toBe(false);
		expect(await verifyRecord(identity.publicKey, { a: undefined }, sig)).toBe(false);
	});
});
