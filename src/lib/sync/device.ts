/**
 * What this device remembers outside any space: who its user is (a name and a
 * member id, no password) and which spaces it holds, with their secrets. Kept
 * in localStorage behind a small Storage-like interface so it can be tested
 * in Node; whatever is stored is validated on read, never trusted.
 */
import * as v from 'valibot';
import { newId, type MemberId, type SpaceId } from '../domain/core';
import type { Access } from './invite';

export interface KeyValueStore {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

const IDENTITY_KEY = 'passerelle:identity';
const SPACES_KEY = 'passerelle:spaces';

const IdentitySchema = v.object({
	memberId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80))
});
export interface Identity {
	memberId: MemberId;
	name: string;
}

const secretText = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/));
/** What a relay accepts as its CLAIM_KEY. */
export const claimKeyText = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,256}$/));

const SpaceEntrySchema = v.object({
	id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/)),
	secret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/)),
	relayUrl: v.string(),
	name: v.string(),
	addedAt: v.number(),
	access: v.optional(v.picklist(['member', 'read']), 'member'),
	claim: v.optional(secretText),
	recoveryHash: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
	pendingSecret: v.optional(secretText),
	previousSecret: v.optional(secretText),
	claimKey: v.optional(claimKeyText),
	sample: v.optional(v.literal(true))
});
export interface SpaceEntry {
	id: SpaceId;
	/** The space's secret for a member, the read secret for a read-only device. */
	secret: string;
	access: Access;
	relayUrl: string;
	/** Last known name, for lists shown before a space's document has loaded. */
	name: string;
	addedAt: number;
	/** The claim secret a committed space id derives from; members only, absent for older spaces. */
	claim?: string;
	/** The hash of the space's recovery token, with the claim secret the proof of its id. */
	recoveryHash?: string;
	/** A new secret sent to the relay whose answer has not been settled yet (see rotation.ts). */
	pendingSecret?: string;
	/**
	 * The secret this device used before a fresh invite brought a key changed elsewhere:
	 * a relay that refuses the new key (a site relay while the change was made in town)
	 * is changed with it, until the relay knows the new one.
	 */
	previousSecret?: string;
	/** The key a site relay asks before it opens a new space. */
	claimKey?: string;
	/** A sample collective to look around in: kept on this device only, never sent to a relay. */
	sample?: true;
}

export function readIdentity(store: KeyValueStore): Identity | null {
	const parsed = v.safeParse(IdentitySchema, parseJson(store.getItem(IDENTITY_KEY)));
	return parsed.success ? { memberId: parsed.output.memberId as MemberId, name: parsed.output.name } : null;
}

/** Sets the display name, creating the device's member id the first time. */
export function saveIdentityName(store: KeyValueStore, name: string): Identity {
	const existing = readIdentity(store);
	const identity = v.parse(IdentitySchema, { memberId: existing?.memberId ?? newId<'member'>(), name });
	store.setItem(IDENTITY_KEY, JSON.stringify(identity));
	return { memberId: identity.memberId as MemberId, name: identity.name };
}

export function readSpaces(store: KeyValueStore): SpaceEntry[] {
	const raw = parseJson(store.getItem(SPACES_KEY));
	if (!Array.isArray(raw)) return [];
	const entries: SpaceEntry[] = [];
	for (const item of raw) {
		const parsed = v.safeParse(SpaceEntrySchema, item);
		if (!parsed.success) continue;
		const { claim, recoveryHash, pendingSecret, previousSecret, claimKey, sample, ...rest } = parsed.output;
		// Optional fields are left out rather than set to undefined, so entries compare and serialise alike.
		entries.push({
			...rest,
			id: rest.id as SpaceId,
			...(claim ? { claim } : {}),
			...(recoveryHash ? { recoveryHash } : {}),
			...(pendingSecret ? { pendingSecret } : {}),
			...(previousSecret ? { previousSecret } : {}),
			...(claimKey ? { claimKey } : {}),
			...(sample ? { sample } : {})
		});
	}
	return entries;
}

/** Forgets a space: it is no longer listed on this device. */
export function removeSpace(store: KeyValueStore, id: string): SpaceEntry[] {
	const next = readSpaces(store).filter((s) => s.id !== id);
	store.setItem(SPACES_KEY, JSON.stringify(next));
	return next;
}

/** Adds a space, or updates the one with the same id (a second invite to it, a rename). */
export function saveSpace(store: KeyValueStore, entry: SpaceEntry): SpaceEntry[] {
	const others = readSpaces(store).filter((s) => s.id !== entry.id);
	const next = [...others, entry];
	store.setItem(SPACES_KEY, JSON.stringify(next));
	return next;
}

function parseJson(raw: string | null): unknown {
	if (raw === null) return null;
	try {
		return JSON.parse(raw);
	} catch {
		return null;
	}
}
