/**
 * Talking to the relay about access, over plain HTTP (see sync-server/PROTOCOL.md).
 * A browser only sees close code 1006 when the relay refuses a WebSocket at the
 * upgrade, so after failed connections the app asks the relay why.
 */
import type { SpaceId } from '../domain/core';
import { relayHttpBase } from './invite';
import type { RelayParams } from './keys';

/** Why the relay does not sync this space now, as far as the app can tell the user. */
export type RelayProblem = 'refused' | 'too_large' | 'busy' | 'storage_low' | 'unclaimed' | 'claim_key';

/** Close codes the relay uses for its decisions; anything else is the network. */
export function problemFromCloseCode(code: number | undefined): RelayProblem | null {
	if (code === undefined) return null;
	if (code === 4413) return 'too_large';
	// The relay does not know the space yet, and this device may not open it there.
	if (code === 4401) return 'unclaimed';
	if (code === 4402) return 'claim_key';
	if (code >= 4400 && code < 4500) return 'refused';
	// The relay's disk is full: reads go on, edits wait on this device until it has room.
	if (code === 4507) return 'storage_low';
	if (code >= 4500 && code < 4600) return 'busy';
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
	const protocols = ['passerelle.2', `t.${params.token}`];
	if (params.readToken) protocols.push(`r.${params.readToken}`);
	if (extra.claim && extra.recoveryHash) protocols.push(`c.${extra.claim}`, `v.${extra.recoveryHash}`);
	if (extra.claimKey) protocols.push(`k.${extra.claimKey}`);
	protocols.push('ack');
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
