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
 *
 * A space created with a recovery key R also has a claim secret C, and its id
 * commits to both (see sync-server/PROTOCOL.md, Access):
 *
 *   R ──► recovery token ──► recovery hash V (SHA-256 hex, what the relay stores)
 *   id = base64url(SHA-256("C.V"))
 *
 * Only a device holding C can claim the room, nobody can bind another V to it,
 * and R (kept on no device) takes the space back from whoever holds a lost phone.
 */
import { randomToken, toBase64Url } from '../domain/core';
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

/** The token that rotates a space's keys whatever its member token is: derived from the recovery key. */
export async function deriveRecoveryToken(recoveryKey: string): Promise<string> {
	const key = await crypto.subtle.importKey('raw', encoder.encode(recoveryKey), 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits(
		{
			name: 'HKDF',
			hash: 'SHA-256',
			salt: encoder.encode('passerelle:recovery'),
			info: encoder.encode('passerelle recovery token v1')
		},
		key,
		256
	);
	return toBase64Url(new Uint8Array(bits));
}

/** What the relay keeps of a recovery token: its SHA-256, lowercase hex. */
export async function recoveryHash(recoveryToken: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(recoveryToken)));
	return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The id of a space whose claim secret is `claim` and whose recovery hash is `hash`. */
export async function committedSpaceId(claim: string, hash: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${claim}.${hash}`));
	return toBase64Url(new Uint8Array(digest));
}

export interface SpaceKeys {
	id: string;
	claim: string;
	recoveryKey: string;
	recoveryHash: string;
}

/** Everything a new space starts from; the recovery key is to be shown once and then forgotten. */
export async function newSpaceKeys(): Promise<SpaceKeys> {
	const claim = randomToken(32);
	const recoveryKey = randomToken(32);
	const hash = await recoveryHash(await deriveRecoveryToken(recoveryKey));
	return { id: await committedSpaceId(claim, hash), claim, recoveryKey, recoveryHash: hash };
}
