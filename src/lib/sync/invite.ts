/**
 * Invites. A link carries the space id, a secret and the relay address in the
 * URL fragment, which browsers never send to a server. A member's invite holds
 * the space's secret; a read-only invite holds only the read secret derived
 * from it (see keys.ts), from which the member secret cannot be recovered.
 */
import * as v from 'valibot';
import { randomToken, withoutBidiControls, type SpaceId } from '../domain/core';

export type Access = 'member' | 'read';

export interface Invite {
	spaceId: SpaceId;
	/** The space's secret for a member; the read secret for a read-only invite. */
	secret: string;
	access: Access;
	relayUrl: string;
	/** The space's name, shown before its data has arrived. */
	name: string;
	/** Member invites of a space with a committed id: the claim secret and the recovery hash, so that this device too can claim the room on a relay that lost it. */
	claim?: string;
	recoveryHash?: string;
	/** Member invites from a device that knows the site relay's claim key. */
	claimKey?: string;
}

const token = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/));
const InviteSchema = v.object({
	spaceId: token,
	secret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/)),
	relayUrl: v.pipe(v.string(), v.url(), v.regex(/^wss?:\/\//)),
	name: v.optional(v.pipe(v.string(), v.maxLength(120), v.transform(withoutBidiControls)), ''),
	access: v.optional(v.picklist(['m', 'r']), 'm'),
	claim: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/))),
	recoveryHash: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
	claimKey: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,256}$/)))
});

export type InviteError = 'missing' | 'malformed';
export type InviteResult = { ok: true; invite: Invite } | { ok: false; error: InviteError };

/** A fresh secret for a new space: 256 bits. */
export function newSpaceSecret(): string {
	return randomToken(32);
}

export function inviteUrl(appOrigin: string, invite: Invite): string {
	const fragment = new URLSearchParams({
		s: invite.spaceId,
		k: invite.secret,
		r: invite.relayUrl,
		n: invite.name
	});
	if (invite.access === 'read') fragment.set('a', 'r');
	// The claim secret, the recovery hash and the claim key are for members only.
	else {
		if (invite.claim && invite.recoveryHash) {
			fragment.set('c', invite.claim);
			fragment.set('v', invite.recoveryHash);
		}
		if (invite.claimKey) fragment.set('ck', invite.claimKey);
	}
	return `${appOrigin}/join#${fragment.toString()}`;
}

/** Reads an invite from a URL fragment (with or without '#') or from a whole pasted link. */
export function parseInvite(input: string): InviteResult {
	const trimmed = input.trim();
	const hashAt = trimmed.indexOf('#');
	const fragment = hashAt >= 0 ? trimmed.slice(hashAt + 1) : trimmed;
	if (fragment === '') return { ok: false, error: 'missing' };
	const params = new URLSearchParams(fragment);
	const parsed = v.safeParse(InviteSchema, {
		spaceId: params.get('s') ?? undefined,
		secret: params.get('k') ?? undefined,
		relayUrl: params.get('r') ?? undefined,
		name: params.get('n') ?? undefined,
		access: params.get('a') ?? undefined,
		claim: params.get('c') ?? undefined,
		recoveryHash: params.get('v') ?? undefined,
		claimKey: params.get('ck') ?? undefined
	});
	if (!parsed.success) return { ok: false, error: 'malformed' };
	const { spaceId, secret, relayUrl, name, access, claim, recoveryHash, claimKey } = parsed.output;
	// A claim secret comes with its recovery hash, and never in a read-only invite.
	if ((claim === undefined) !== (recoveryHash === undefined)) return { ok: false, error: 'malformed' };
	if (access === 'r' && (claim !== undefined || claimKey !== undefined)) return { ok: false, error: 'malformed' };
	return {
		ok: true,
		invite: {
			spaceId: spaceId as SpaceId,
			secret,
			relayUrl,
			name,
			access: access === 'r' ? 'read' : 'member',
			...(claim && recoveryHash ? { claim, recoveryHash } : {}),
			...(claimKey ? { claimKey } : {})
		}
	};
}

/**
 * A recovery link: everything needed to take a space back, including the
 * recovery key itself. Shown once at creation, to print or write down; never
 * an invite, never stored on a device.
 */
export interface RecoveryLink {
	spaceId: SpaceId;
	relayUrl: string;
	claim: string;
	recoveryKey: string;
	name: string;
}

const RecoverySchema = v.object({
	spaceId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
	relayUrl: v.pipe(v.string(), v.url(), v.regex(/^wss?:\/\//)),
	claim: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/)),
	recoveryKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/)),
	name: v.optional(v.pipe(v.string(), v.maxLength(120), v.transform(withoutBidiControls)), '')
});

export function recoveryUrl(appOrigin: string, link: RecoveryLink): string {
	const fragment = new URLSearchParams({
		s: link.spaceId,
		r: link.relayUrl,
		c: link.claim,
		k: link.recoveryKey,
		n: link.name
	});
	return `${appOrigin}/recover#${fragment.toString()}`;
}

export type RecoveryLinkResult = { ok: true; link: RecoveryLink } | { ok: false; error: InviteError };

/** Reads a recovery link (whole, or its fragment). */
export function parseRecoveryLink(input: string): RecoveryLinkResult {
	const trimmed = input.trim();
	const hashAt = trimmed.indexOf('#');
	const fragment = hashAt >= 0 ? trimmed.slice(hashAt + 1) : trimmed;
	if (fragment === '') return { ok: false, error: 'missing' };
	const params = new URLSearchParams(fragment);
	const parsed = v.safeParse(RecoverySchema, {
		spaceId: params.get('s') ?? undefined,
		relayUrl: params.get('r') ?? undefined,
		claim: params.get('c') ?? undefined,
		recoveryKey: params.get('k') ?? undefined,
		name: params.get('n') ?? undefined
	});
	if (!parsed.success) return { ok: false, error: 'malformed' };
	return { ok: true, link: { ...parsed.output, spaceId: parsed.output.spaceId as SpaceId } };
}

/** The relay of the origin that served the app: where a site's own relay lives. */
export function defaultRelayUrl(location: { protocol: string; host: string }): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

/** The relay's HTTP base for a space, from its WebSocket address (ws://host/sync → http://host). */
export function relayHttpBase(relayUrl: string): string {
	const url = new URL(relayUrl);
	url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
	url.pathname = url.pathname.replace(/\/sync\/?$/, '');
	return url.toString().replace(/\/$/, '');
}
