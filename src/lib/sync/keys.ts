/**
 * What is derived from a space's secret, with HKDF-SHA256 (WebCrypto):
 *
 *   secret ──► member token              sent to the relay by members
 *      └────► read secret ──► read token  sent by read-only devices
 *
 * The relay sees tokens only, never a secret. A read-only invite carries the
 * read secret, which cannot give back the member secret. A key for end-to-end
 * encryption can later be derived from the read secret (every reader needs it)
 * without changing any invite.
 */
import { toBase64Url } from '../domain/ids';
import type { Access } from './invite';

const encoder = new TextEncoder();

async function hkdf(secret: string, spaceId: string, info: string): Promise<string> {
	const key = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits(
		{ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(`passerelle:${spaceId}`), info: encoder.encode(info) },
		key,
		256
	);
	return toBase64Url(new Uint8Array(bits));
}

/** The token the relay knows a holder of `secret` by. */
export function deriveRelayToken(secret: string, spaceId: string): Promise<string> {
	return hkdf(secret, spaceId, 'passerelle relay token v1');
}

export function deriveReadSecret(secret: string, spaceId: string): Promise<string> {
	return hkdf(secret, spaceId, 'passerelle read secret v1');
}

export interface RelayParams {
	token: string;
	/** Sent by members so the relay learns which token reads only. */
	readToken?: string;
}

/** The connection parameters for a device holding `secret` with the given access. */
export async function relayParams(secret: string, spaceId: string, access: Access): Promise<RelayParams> {
	if (access === 'read') return { token: await deriveRelayToken(secret, spaceId) };
	const readSecret = await deriveReadSecret(secret, spaceId);
	return {
		token: await deriveRelayToken(secret, spaceId),
		readToken: await deriveRelayToken(readSecret, spaceId)
	};
}
