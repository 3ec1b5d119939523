// Who may do what in a room, decided from the token a client presents. The relay keeps
// only SHA-256 hashes of tokens; every comparison is constant-time.
import { createHash } from 'node:crypto';
import type { RoomAccess, RoomStorage } from '../storage/storage.js';
import { hashToken, sameHash, sameSecret } from './token.js';

/**
 * A room id `<roomId>.<part>` names a sub-room: another document of the same space (its
 * archived history, say), stored and synced as a room of its own, but with no access record
 * of its own. Whoever may enter the parent may enter the sub-room, as member or reader;
 * claiming, rotation and recovery of the parent apply to the whole family at once, and a
 * sub-room cannot be claimed before its parent. The relay does not know what parts mean.
 */
const SUB_ROOM = /^([A-Za-z0-9_-]{16,128})\.([a-z0-9]{1,16})$/;

/** The parent of a sub-room id, or null for a room id without a part. */
export function parentRoomId(roomId: string): string | null {
	return SUB_ROOM.exec(roomId)?.[1] ?? null;
}

/** The room whose access record decides who enters `roomId`. */
export function accessRoomId(roomId: string): string {
	return parentRoomId(roomId) ?? roomId;
}

/**
 * A sub-room's own row in storage holds its log and snapshot only: its token hashes are
 * never compared (access is always read from the parent), and this one matches no token.
 */
export const SUB_ROOM_TOKEN_HASH = '0'.repeat(64);

/** A member reads and writes; a read-only client receives everything and writes nothing. */
export type AccessLevel = 'member' | 'read';

export function accessLevel(
	access: Pick<RoomAccess, 'tokenHash' | 'readonlyTokenHash'>,
	tokenHash: string
): AccessLevel | null {
	if (sameHash(access.tokenHash, tokenHash)) return 'member';
	if (access.readonlyTokenHash !== null && sameHash(access.readonlyTokenHash, tokenHash)) return 'read';
	return null;
}

/** What a token sent to claim or rotate must look like: long enough not to be guessed. */
const STRONG_TOKEN = /^[A-Za-z0-9_-]{32,1024}$/;

export function isStrongToken(value: string): boolean {
	return STRONG_TOKEN.test(value);
}

/** Room ids of this length commit to their claim secret and recovery hash (see committedRoomId). */
export const COMMITTED_ID_LENGTH = 43;

/** base64url(SHA-256(`${claim}.${recoveryHash}`)): the id a new space gets from its secrets. */
export function committedRoomId(claim: string, recoveryHash: string): string {
	return createHash('sha256').update(`${claim}.${recoveryHash}`, 'utf8').digest('base64url');
}

const RECOVERY_HASH = /^[0-9a-f]{64}$/;

export interface ClaimRequest {
	token: string;
	readToken: string | null;
	claim: string | null;
	recovery: string | null;
	claimKey: string | null;
}

/** A claim the relay would accept: the hashes to create the room with. */
export interface AllowedClaim {
	tokenHash: string;
	readonlyTokenHash: string;
	recoveryHash: string | null;
}

export type ClaimDecision =
	| { ok: true; claim: AllowedClaim }
	| { ok: false; reason: 'claim-key-required' | 'claim-refused' };

/**
 * Whether a connection may claim a room nobody holds. Only a member device can: it brings
 * both tokens (a read-only device brings one), and, for a room id that commits to them,
 * the claim secret and recovery hash it was derived from (a read-only device never
 * receives the claim secret). A relay with a claim key also wants that key.
 */
export function decideClaim(roomId: string, request: ClaimRequest, claimKey: string | null): ClaimDecision {
	if (claimKey !== null && (request.claimKey === null || !sameSecret(request.claimKey, claimKey))) {
		return { ok: false, reason: 'claim-key-required' };
	}
	const { token, readToken, claim, recovery } = request;
	if (readToken === null || !isStrongToken(token) || !isStrongToken(readToken)) {
		return { ok: false, reason: 'claim-refused' };
	}
	const claimed = { tokenHash: hashToken(token), readonlyTokenHash: hashToken(readToken) };
	if (roomId.length !== COMMITTED_ID_LENGTH) return { ok: true, claim: { ...claimed, recoveryHash: null } };
	if (claim === null || recovery === null || !isStrongToken(claim) || !RECOVERY_HASH.test(recovery)) {
		return { ok: false, reason: 'claim-refused' };
	}
	if (!sameSecret(committedRoomId(claim, recovery), roomId)) return { ok: false, reason: 'claim-refused' };
	return { ok: true, claim: { ...claimed, recoveryHash: recovery } };
}

export type Admission =
	| { ok: true; level: AccessLevel; tokenHash: string }
	| { ok: false; status: 403; reason: 'wrong-token' };

/**
 * Decides a connection to a known room, and lets a member make the read-only token known
 * to a room that has none yet (rooms claimed before claims needed both tokens). A read
 * token does not replace an existing one: only a rotation does.
 */
export async function admit(
	storage: RoomStorage,
	roomId: string,
	access: RoomAccess,
	token: string,
	readToken: string | null
): Promise<Admission> {
	const tokenHash = hashToken(token);
	const level = accessLevel(access, tokenHash);
	if (level === null) return { ok: false, status: 403, reason: 'wrong-token' };
	if (level === 'member' && readToken !== null && access.readonlyTokenHash === null) {
		await storage.setReadonlyToken(roomId, hashToken(readToken));
	}
	return { ok: true, level, tokenHash };
}

/** What a token would be let in as, without claiming anything (the probe). */
export async function probe(
	storage: RoomStorage,
	roomId: string,
	token: string
): Promise<AccessLevel | 'unclaimed' | null> {
	const access = await storage.roomAccess(accessRoomId(roomId));
	if (access === null) return 'unclaimed';
	return accessLevel(access, hashToken(token));
}

/** Whether a connection opened with `tokenHash` is still welcome under `access`. */
export function stillAdmitted(access: RoomAccess, tokenHash: string): boolean {
	return accessLevel(access, tokenHash) !== null;
}
