/**
 * Talking to the relay about access, over plain HTTP (see sync-server/PROTOCOL.md).
 * A browser only sees close code 1006 when the relay refuses a WebSocket at the
 * upgrade, so after failed connections the app asks the relay why.
 */
import type { SpaceId } from '../domain/ids';
import { relayHttpBase } from './invite';
import type { RelayParams } from './keys';

/** Why the relay does not sync this space now, as far as the app can tell the user. */
export type RelayProblem = 'refused' | 'too_large' | 'busy';

/** Close codes the relay uses for its decisions; anything else is the network. */
export function problemFromCloseCode(code: number | undefined): RelayProblem | null {
	if (code === undefined) return null;
	if (code === 4413) return 'too_large';
	if (code >= 4400 && code < 4500) return 'refused';
	if (code >= 4500 && code < 4600) return 'busy';
	return null;
}

export type AccessProbe = 'accepted' | 'refused' | 'unreachable';

export async function probeAccess(relayUrl: string, spaceId: SpaceId, token: string): Promise<AccessProbe> {
	try {
		const url = `${relayHttpBase(relayUrl)}/sync/${encodeURIComponent(spaceId)}?token=${encodeURIComponent(token)}`;
		const response = await fetch(url, { cache: 'no-store' });
		if (response.status === 426) return 'accepted';
		if (response.status === 401 || response.status === 403) return 'refused';
		return 'unreachable';
	} catch {
		return 'unreachable';
	}
}

export type RotationResult = { ok: true } | { ok: false; reason: 'offline' | 'refused' | 'failed' };

/** Replaces the space's tokens on its relay; connections holding the old ones are closed. */
export async function rotateTokens(
	relayUrl: string,
	spaceId: SpaceId,
	current: RelayParams,
	next: RelayParams
): Promise<RotationResult> {
	let response: Response;
	try {
		response = await fetch(`${relayHttpBase(relayUrl)}/rooms/${encodeURIComponent(spaceId)}/rotate`, {
			method: 'POST',
			cache: 'no-store',
			headers: { Authorization: `Bearer ${current.token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ token: next.token, readToken: next.readToken })
		});
	} catch {
		return { ok: false, reason: 'offline' };
	}
	if (response.ok) return { ok: true };
	return { ok: false, reason: response.status === 401 || response.status === 403 ? 'refused' : 'failed' };
}
