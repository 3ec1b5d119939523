/**
 * Invites. A link carries the space id, its secret and the relay address in
 * the URL fragment, which browsers never send to a server. The relay only ever
 * sees a token derived from the secret with HKDF, so a key for end-to-end
 * encryption can later be derived from the same secret without new invites.
 */
import * as v from 'valibot';
import { randomToken, toBase64Url } from '../domain/ids';
import type { SpaceId } from '../domain/ids';

export interface Invite {
	spaceId: SpaceId;
	secret: string;
	relayUrl: string;
	/** The space's name, shown before its data has arrived. */
	name: string;
}

const token = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/));
const InviteSchema = v.object({
	spaceId: token,
	secret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/)),
	relayUrl: v.pipe(v.string(), v.url(), v.regex(/^wss?:\/\//)),
	name: v.optional(v.pipe(v.string(), v.maxLength(120)), '')
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
		name: params.get('n') ?? undefined
	});
	if (!parsed.success) return { ok: false, error: 'malformed' };
	const { spaceId, secret, relayUrl, name } = parsed.output;
	return { ok: true, invite: { spaceId: spaceId as SpaceId, secret, relayUrl, name } };
}

const encoder = new TextEncoder();

/** The token the relay knows a space by: HKDF-SHA256(secret, info "passerelle relay token"). */
export async function deriveRelayToken(secret: string, spaceId: string): Promise<string> {
	const key = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits(
		{
			name: 'HKDF',
			hash: 'SHA-256',
			salt: encoder.encode(`passerelle:${spaceId}`),
			info: encoder.encode('passerelle relay token v1')
		},
		key,
		256
	);
	return toBase64Url(new Uint8Array(bits));
}

/** The relay of the origin that served the app: where a site's own relay lives. */
export function defaultRelayUrl(location: { protocol: string; host: string }): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}
