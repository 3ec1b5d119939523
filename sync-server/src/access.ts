// Who may do what in a room, decided from the token a client presents. The relay keeps
// only SHA-256 hashes of tokens; every comparison is constant-time.
import type { RoomAccess, RoomStorage } from './storage.js';
import { hashToken, sameHash } from './token.js';

/** A member reads and writes; a read-only client receives everything and writes nothing. */
export type AccessLevel = 'member' | 'read';

export function accessLevel(access: RoomAccess, tokenHash: string): AccessLevel | null {
	if (sameHash(access.tokenHash, tokenHash)) return 'member';
	if (access.readonlyTokenHash !== null && sameHash(access.readonlyTokenHash, tokenHash)) return 'read';
	return null;
}

export type Admission =
	| { ok: true; level: AccessLevel; tokenHash: string }
	| { ok: false; status: 403; reason: 'wrong-token' };

/**
 * Decides a connection: claims an unknown room for `token` (with `readToken` as its
 * read-only token), and lets a member make the read-only token known to a room that has
 * none yet. A read token does not replace an existing one: only a rotation does.
 */
export async function admit(
	storage: RoomStorage,
	roomId: string,
	token: string,
	readToken: string | null
): Promise<Admission> {
	const tokenHash = hashToken(token);
	const readHash = readToken === null ? null : hashToken(readToken);
	const access = await storage.claimRoom(roomId, tokenHash, readHash);
	const level = accessLevel(access, tokenHash);
	if (level === null) return { ok: false, status: 403, reason: 'wrong-token' };
	if (level === 'member' && readHash !== null && access.readonlyTokenHash === null) {
		await storage.setReadonlyToken(roomId, readHash);
	}
	return { ok: true, level, tokenHash };
}

/** What a token would be let in as, without claiming anything (the probe). */
export async function probe(
	storage: RoomStorage,
	roomId: string,
	token: string
): Promise<AccessLevel | 'unclaimed' | null> {
	const access = await storage.roomAccess(roomId);
	if (access === null) return 'unclaimed';
	return accessLevel(access, hashToken(token));
}

/** Whether a connection opened with `tokenHash` is still welcome under `access`. */
export function stillAdmitted(access: RoomAccess, tokenHash: string): boolean {
	return accessLevel(access, tokenHash) !== null;
}
