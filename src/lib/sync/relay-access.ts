/**
 * Talking to the relay about access, over plain HTTP (see sync-server/PROTOCOL.md).
 * A browser only sees close code 1006 when the relay refuses a WebSocket at the
 * upgrade, so after failed connections the app asks the relay why.
 */
import {
	ACK_PROTOCOL,
	CLOSE_CLAIM_KEY_REQUIRED,
	CLOSE_CLAIM_REFUSED,
	CLOSE_GOING_AWAY,
	CLOSE_INTERNAL_ERROR,
	CLOSE_MESSAGE_TOO_BIG,
	CLOSE_POLICY_VIOLATION,
	CLOSE_RATE_LIMITED,
	CLOSE_RELAY_BUSY,
	CLOSE_ROOM_TOO_LARGE,
	CLOSE_STORAGE_LOW,
	CLOSE_TOKEN_ROTATED,
	CLOSE_UNSUPPORTED_DATA,
	CREDENTIAL_PREFIX,
	isFinalRefusal,
	isTemporaryRefusal,
	SYNC_PROTOCOL
} from '$wire';
import type { SpaceId } from '../domain/core';
import { relayHttpBase } from './invite';
import type { RelayParams } from './keys';

/** Why the relay does not sync this space now, as far as the app can tell the user. */
export type RelayProblem = 'refused' | 'too_large' | 'busy' | 'storage_low' | 'unclaimed' | 'claim_key';

/**
 * What each close code of the relay means to the person using the app: every code the
 * relay sends stands here, so that a new one is given its meaning on purpose.
 */
export const closeCodeProblems: ReadonlyMap<number, RelayProblem | null> = new Map<number, RelayProblem | null>([
	// The relay stops or restarts: it is back soon, like the network.
	[CLOSE_GOING_AWAY, null],
	// A frame the relay could not take, or a failure on its side: the client reconnects
	// and sends its changes again, as after a cut.
	[CLOSE_UNSUPPORTED_DATA, null],
	[CLOSE_POLICY_VIOLATION, null],
	[CLOSE_MESSAGE_TOO_BIG, null],
	[CLOSE_INTERNAL_ERROR, null],
	// The relay does not know the space yet, and this device may not open it there.
	[CLOSE_CLAIM_REFUSED, 'unclaimed'],
	[CLOSE_CLAIM_KEY_REQUIRED, 'claim_key'],
	[CLOSE_TOKEN_ROTATED, 'refused'],
	[CLOSE_ROOM_TOO_LARGE, 'too_large'],
	[CLOSE_RELAY_BUSY, 'busy'],
	// The relay's disk is full: reads go on, edits wait on this device until it has room.
	[CLOSE_STORAGE_LOW, 'storage_low'],
	[CLOSE_RATE_LIMITED, 'busy']
]);

/** The relay's decisions, by close code; anything else is the network. */
export function problemFromCloseCode(code: number | undefined): RelayProblem | null {
	if (code === undefined) return null;
	const known = closeCodeProblems.get(code);
	if (known !== undefined) return known;
	// A code of a newer relay: its range still says whether a retry can help.
	if (isFinalRefusal(code)) return 'refused';
	if (isTemporaryRefusal(code)) return 'busy';
	return null;
}

/**
 * What the relay would do with a token: let it in as a member or read-only,
 * open a space it does not know yet ('unclaimed'), or refuse it. 'unreachable'
 * is every answer that decides nothing (no network, a relay stopping).
 */
export type AccessProbe = 'member' | 'read' | 'unclaimed' | 'refused' | 'unreachable';

export async function probeAccess(relayUrl: string, spaceId: SpaceId, token: string): Promise<AccessProbe> {
	try {
		// The token goes in a header: a proxy's access log holds URLs, not headers.
		const response = await fetch(`${relayHttpBase(relayUrl)}/sync/${encodeURIComponent(spaceId)}`, {
			cache: 'no-store',
			headers: { Authorization: `Bearer ${token}` }
		});
		if (response.status === 401 || response.status === 403) return 'refused';
		if (response.status !== 426) return 'unreachable';
		const body: unknown = await response.json().catch(() => null);
		const access = typeof body === 'object' && body !== null && 'access' in body ? body.access : null;
		return access === 'member' || access === 'read' || access === 'unclaimed' ? access : 'unreachable';
	} catch {
		return 'unreachable';
	}
}

/**
 * The WebSocket subprotocols that carry a device's credentials (see
 * sync-server/PROTOCOL.md): the URL itself then holds no secret.
 */
export function relayProtocols(
	params: RelayParams,
	extra: { claim?: string; recoveryHash?: string; claimKey?: string } = {}
): string[] {
	const protocols = [SYNC_PROTOCOL, CREDENTIAL_PREFIX.token + params.token];
	if (params.readToken) protocols.push(CREDENTIAL_PREFIX.readToken + params.readToken);
	if (extra.claim && extra.recoveryHash) {
		protocols.push(CREDENTIAL_PREFIX.claim + extra.claim, CREDENTIAL_PREFIX.recoveryHash + extra.recoveryHash);
	}
	if (extra.claimKey) protocols.push(CREDENTIAL_PREFIX.claimKey + extra.claimKey);
	protocols.push(ACK_PROTOCOL);
	return protocols;
}

/**
 * 'rotated'/'recovered': the relay took the new tokens. 'refused': it answered
 * no (403, 400). 'failed': an answer that decides nothing (503...), 'offline': none.
 */
export type RotationAnswer = 'rotated' | 'recovered' | 'refused' | 'failed' | 'offline';

/**
 * Replaces the space's tokens on its relay; connections holding the old ones are
 * closed. `bearer` is the current member token, or the recovery token.
 */
export async function rotateTokens(
	relayUrl: string,
	spaceId: SpaceId,
	bearer: string,
	next: RelayParams
): Promise<RotationAnswer> {
	let response: Response;
	try {
		response = await fetch(`${relayHttpBase(relayUrl)}/rooms/${encodeURIComponent(spaceId)}/rotate`, {
			method: 'POST',
			cache: 'no-store',
			headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ token: next.token, readToken: next.readToken })
		});
	} catch {
		return 'offline';
	}
	if (response.ok) {
		const body: unknown = await response.json().catch(() => null);
		const status = typeof body === 'object' && body !== null && 'status' in body ? body.status : null;
		return status === 'recovered' ? 'recovered' : 'rotated';
	}
	return response.status === 400 || response.status === 401 || response.status === 403 ? 'refused' : 'failed';
}
