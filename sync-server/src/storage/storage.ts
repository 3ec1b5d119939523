// The narrow storage interface of the relay. A room is an append-only log of opaque
// updates with a per-room sequence number, plus at most one snapshot that stands for
// every log entry up to a sequence number. The relay never rewrites a stored update in
// place; compaction replaces a prefix of the log by a snapshot in one step.
//
// Methods return promises even though SQLite answers synchronously, so that a networked
// store can take its place without changing the relay.

export interface RoomAccess {
	/** SHA-256 (hex) of the member token: the one that claimed the room, or its replacement. */
	tokenHash: string;
	/** SHA-256 (hex) of the read-only token, once a member has made one known. */
	readonlyTokenHash: string | null;
	/**
	 * SHA-256 (hex) of the collective's recovery token, to which the room id commits; null
	 * for a room whose id commits to nothing (spaces created before recovery existed).
	 * Set by the claim, never changed afterwards: a rotation with this token always wins.
	 */
	recoveryHash: string | null;
}

/** The hashes a rotation replaces. */
export type TokenHashes = Pick<RoomAccess, 'tokenHash' | 'readonlyTokenHash'>;

export interface StoredUpdate {
	seq: number;
	data: Uint8Array;
}

export interface Snapshot {
	/** The last log entry folded into it. */
	seqUpto: number;
	/** The whole document up to seqUpto, as one update. */
	data: Uint8Array;
	/**
	 * Its state vector (Y.encodeStateVector format), so that loading the room costs no
	 * merge; null when it has holes (structs after a missing one), or was stored without.
	 */
	stateVector: Uint8Array | null;
}

export interface StoredRoom {
	snapshot: Snapshot | null;
	/** Log entries after the snapshot, in sequence order. */
	updates: StoredUpdate[];
}

export interface CompactionResult {
	seqUpto: number;
	/** Log entries the snapshot replaced (deleted from the log). */
	merged: number;
	snapshotBytes: number;
}

/** One update to append to a room's log. */
export interface Append {
	roomId: string;
	data: Uint8Array;
}

export interface RoomStorage {
	/**
	 * Returns the room's access record, creating it with these hashes if the room is
	 * unknown. The caller decides beforehand whether a claim is allowed (access.ts), and
	 * compares hashes afterwards: of two claims racing, the first one stays.
	 */
	claimRoom(
		roomId: string,
		tokenHash: string,
		readonlyTokenHash?: string | null,
		recoveryHash?: string | null
	): Promise<RoomAccess>;
	/** The room's access record, or null for a room nobody has claimed. Creates nothing. */
	roomAccess(roomId: string): Promise<RoomAccess | null>;
	/**
	 * Records the read-only token hash of a room that has none yet (a later one does not
	 * replace it: only a rotation does). Returns the access record as it is now.
	 */
	setReadonlyToken(roomId: string, readonlyTokenHash: string): Promise<RoomAccess>;
	/**
	 * Replaces both token hashes, if the member hash is still `expectedTokenHash` (two
	 * rotations racing cannot both win). The recovery hash stays as it is. Returns false when it was not, or the room is unknown.
	 */
	replaceAccess(roomId: string, expectedTokenHash: string, next: TokenHashes): Promise<boolean>;
	/**
	 * Deletes the rooms claimed before `createdBefore` (ms since the epoch) that never stored
	 * anything, except those `keep` names (rooms in memory). Returns the ids deleted.
	 */
	deleteUnusedRooms(createdBefore: number, keep: (roomId: string) => boolean): Promise<string[]>;
	loadRoom(roomId: string): Promise<StoredRoom>;
	/**
	 * Appends updates, of one room or several, all or none: one transaction. Resolves with
	 * their sequence numbers, in the order given, once they are stored so as to survive a
	 * crash of the relay (`synced()` tells when they would survive a power cut too); an
	 * update to an unclaimed room fails the whole call.
	 */
	appendUpdates(appends: readonly Append[]): Promise<number[]>;
	/** appendUpdates with one update. */
	appendUpdate(roomId: string, data: Uint8Array): Promise<number>;
	/**
	 * Replaces the room's snapshot by `snapshot` and deletes the log entries up to its
	 * seqUpto, in one step. The caller vouches that `snapshot.data` holds every entry up
	 * to seqUpto. A snapshot never goes back: null, and nothing changes, when the stored
	 * one already reaches as far. Throws for an unclaimed room or a seqUpto beyond the
	 * room's last entry.
	 */
	writeSnapshot(roomId: string, snapshot: Snapshot): Promise<CompactionResult | null>;
	/**
	 * Resolves once everything written before the call is on disk, so as to survive a
	 * power cut; rejects if the store can no longer promise that.
	 */
	synced(): Promise<void>;
	/** Whether the store can take writes right now (for /healthz). */
	isWritable(): Promise<boolean>;
	close(): Promise<void>;
}

/** Snapshot and log entries as one list of updates, oldest first. */
export function storedUpdates(room: StoredRoom): Uint8Array[] {
	const parts = room.snapshot === null ? [] : [room.snapshot.data];
	for (const update of room.updates) parts.push(update.data);
	return parts;
}
