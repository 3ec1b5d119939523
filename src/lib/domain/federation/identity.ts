/**
 * A collective's identity in its federations: an Ed25519 key pair derived with
 * HKDF-SHA256 from the collective's own space secret, so that every member
 * device finds the same key without storing or sending it. The public key's
 * SHA-256 is the collective's id in a federation: a record under that id can
 * only be signed by the holder of that key, whoever wrote it into the room.
 *
 * A new space secret (a rotation after a lost phone) gives a new key, and so a
 * new id: the old key is the one the lost phone holds.
 *
 * WebCrypto only (Node 20 and Chromium both sign with Ed25519). Deriving a key
 * from bytes is an import of a PKCS#8 private key built around the 32-byte seed.
 */
import type { Id } from '../core/ids';
import { toBase64Url } from '../core/ids';
import { canonicalBytes } from './canonical';

export type CollectiveId = Id<'collective'>;

export interface CollectiveIdentity {
	collective: CollectiveId;
	/** The raw 32-byte public key, base64url. */
	publicKey: string;
	/** Signs only; not extractable. */
	privateKey: CryptoKey;
}

const encoder = new TextEncoder();

/** RFC 8410: the fixed DER prefix of an Ed25519 private key in PKCS#8, before its 32-byte seed. */
const PKCS8_ED25519_PREFIX = Uint8Array.from([
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
]);

export function fromBase64Url(text: string): Uint8Array {
	const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
	const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

async function seedFrom(secret: string, spaceId: string): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits(
		{ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(`passerelle:${spaceId}`), info: encoder.encode('passerelle collective identity v1') },
		key,
		256
	);
	return new Uint8Array(bits);
}

/** The id a public key stands for in every federation. */
export async function collectiveIdOf(publicKey: string): Promise<CollectiveId> {
	const raw = fromBase64Url(publicKey);
	const digest = await crypto.subtle.digest('SHA-256', raw as Uint8Array<ArrayBuffer>);
	return toBase64Url(new Uint8Array(digest)) as CollectiveId;
}

/** The identity of the collective whose space is `spaceId`, from the member secret. Same inputs, same keys, on every device. */
export async function deriveIdentity(secret: string, spaceId: string): Promise<CollectiveIdentity> {
	const seed = await seedFrom(secret, spaceId);
	const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + seed.length);
	pkcs8.set(PKCS8_ED25519_PREFIX);
	pkcs8.set(seed, PKCS8_ED25519_PREFIX.length);
	// Extractable only long enough to read the public half from its JWK.
	const exportable = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
	const jwk = await crypto.subtle.exportKey('jwk', exportable);
	if (typeof jwk.x !== 'string') throw new Error('Ed25519 key without a public part');
	const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
	seed.fill(0);
	pkcs8.fill(0);
	return { collective: await collectiveIdOf(jwk.x), publicKey: jwk.x, privateKey };
}

/** The signature (base64url, 64 bytes) of a record's canonical encoding. */
export async function signRecord(identity: Pick<CollectiveIdentity, 'privateKey'>, body: unknown): Promise<string> {
	const signature = await crypto.subtle.sign('Ed25519', identity.privateKey, canonicalBytes(body) as Uint8Array<ArrayBuffer>);
	return toBase64Url(new Uint8Array(signature));
}

const publicKeys = new Map<string, Promise<CryptoKey | null>>();

function importPublicKey(publicKey: string): Promise<CryptoKey | null> {
	let key = publicKeys.get(publicKey);
	if (!key) {
		key = (async () => {
			const raw = fromBase64Url(publicKey);
			if (raw.length !== 32) return null;
			return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']).catch(() => null);
		})().catch(() => null);
		// A federation names a few dozen collectives; a flood of made-up keys must not grow this forever.
		if (publicKeys.size > 1000) publicKeys.clear();
		publicKeys.set(publicKey, key);
	}
	return key;
}

/**
 * Whether `signature` is `publicKey`'s over the body. Anything malformed (a
 * key or signature of the wrong length, bad base64, a body that is not plain
 * data) is simply not verified: records come from other collectives' devices.
 */
export async function verifyRecord(publicKey: string, body: unknown, signature: string): Promise<boolean> {
	try {
		const key = await importPublicKey(publicKey);
		if (!key) return false;
		const sig = fromBase64Url(signature);
		if (sig.length !== 64) return false;
		return await crypto.subtle.verify('Ed25519', key, sig as Uint8Array<ArrayBuffer>, canonicalBytes(body) as Uint8Array<ArrayBuffer>);
	} catch {
		return false;
	}
}
