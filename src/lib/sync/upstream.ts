/**
 * A site relay's link to a relay on the internet, as the app sees it (see
 * sync-server/PROTOCOL.md, "Site relays"): whether the relay this space syncs
 * with has one, whether this space is chained through it, and how the link
 * stands. Chaining is asked with the space's member token; a reader can look.
 */
import type { SpaceId } from '../domain/core';
import { relayHttpBase } from './invite';
import type { RelayParams } from './keys';

export type UpstreamState = 'connecting' | 'connected' | 'waiting' | 'refused';

export type UpstreamLink =
	/** The relay is not chained to another one: nothing to do here. */
	| { kind: 'none' }
	/** The relay could not be asked (no network, or it is down). */
	| { kind: 'unreachable' }
	| { kind: 'off' }
	/** `behind`: how much the site holds that the upstream has not acknowledged (0: everything is up). */
	| { kind: 'on'; state: UpstreamState; behind: number | null };

function read(body: unknown): UpstreamLink {
	if (typeof body !== 'object' || body === null) return { kind: 'unreachable' };
	const value = body as { chained?: unknown; state?: unknown; behind?: unknown; upstream?: unknown };
	if (value.upstream === false) return { kind: 'none' };
	if (value.chained === false) return { kind: 'off' };
	const state = value.state;
	if (value.chained !== true || (state !== 'connecting' && state !== 'connected' && state !== 'waiting' && state !== 'refused')) return { kind: 'unreachable' };
	return { kind: 'on', state, behind: typeof value.behind === 'number' ? value.behind : null };
}

async function ask(relayUrl: string, spaceId: SpaceId, token: string, init: RequestInit = {}): Promise<UpstreamLink | 'refused'> {
	let response: Response;
	try {
		response = await fetch(`${relayHttpBase(relayUrl)}/rooms/${encodeURIComponent(spaceId)}/upstream`, {
			cache: 'no-store',
			...init,
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
		});
	} catch {
		return { kind: 'unreachable' };
	}
	if (response.status === 404) {
		const body: unknown = await response.json().catch(() => null);
		return typeof body === 'object' && body !== null && (body as { error?: unknown }).error === 'no-upstream' ? { kind: 'none' } : { kind: 'unreachable' };
	}
	if (response.status === 401 || response.status === 403) return 'refused';
	if (!response.ok) return { kind: 'unreachable' };
	return read(await response.json().catch(() => null));
}

export async function readUpstream(relayUrl: string, spaceId: SpaceId, params: RelayParams): Promise<UpstreamLink> {
	const answer = await ask(relayUrl, spaceId, params.token);
	return answer === 'refused' ? { kind: 'unreachable' } : answer;
}

/** What the upstream relay may need to take a space it does not hold yet: what a member brings to claim it. */
export interface ClaimCredentials {
	claim?: string;
	recoveryHash?: string;
	claimKey?: string;
}

/** Chains the space through the relay's upstream, or stops it. Members only: 'refused' otherwise. */
export async function setUpstream(relayUrl: string, spaceId: SpaceId, params: RelayParams, on: boolean, claim: ClaimCredentials = {}): Promise<UpstreamLink | 'refused'> {
	return ask(relayUrl, spaceId, params.token, on ? { method: 'POST', body: JSON.stringify({ readToken: params.readToken, ...claim }) } : { method: 'DELETE' });
}

/** How often a phone on a chained site relay asks where its space's changes are. */
const WATCH_INTERVAL_MS = 15_000;

/**
 * Follows the upstream link of a space's relay while the page is open, for the
 * sync status: asks once the space is synced, and again every 15 s while the
 * relay has an upstream. A relay without one (the common case) is asked once.
 */
export function watchUpstream(session: { entry: { id: SpaceId; relayUrl: string; secret: string; access: 'member' | 'read' } }, params: (entry: { id: SpaceId; secret: string; access: 'member' | 'read' }) => Promise<RelayParams>, heard: (link: UpstreamLink) => void): () => void {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const ask = async (): Promise<void> => {
		if (stopped) return;
		const entry = session.entry;
		const link = await readUpstream(entry.relayUrl, entry.id, await params(entry));
		if (stopped) return;
		heard(link);
		if (link.kind !== 'none') timer = setTimeout(() => void ask(), WATCH_INTERVAL_MS);
	};
	void ask();
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
