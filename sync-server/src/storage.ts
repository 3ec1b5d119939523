// The narrow storage interface of the relay. A room is an append-only log of opaque
// updates with a per-room sequence number, plus at most one snapshot that stands for
// every log entry up to a sequence number. The relay never rewrites a stored update in
// place; compaction replaces a prefix of the log by a snapshot in one step.
//
// Methods return promises even though SQLite answers synchronously, so that a networked
// store can take its place without changing the relay.
import * as Y from 'yjs';

export interface RoomAccess {
	/** SHA-256 (hex) of the token that claimed the room. */
	tokenHash: string;
	/** SHA-256 (hex) of a read-only token, once read-only access exists. */
	readonlyTokenHash: string | null;
}

export interface StoredUpdate {
	seq: number;
	data: Uint8Array;
}

export interface StoredRoom {
	snapshot: { seqUpto: number; data: Uint8Array } | null;
	/** Log entries after the snapshot, in sequence order. */
	updates: StoredUpdate[];
}

export interface CompactionResult {
	seqUpto: number;
	/** Log entries folded into the snapshot. */
	merged: number;
	snapshotBytes: number;
}

export interface RoomStorage {
	/**
	 * Returns the room's access record, creating it with `tokenHash` if the room is
	 * unknown. The caller compares hashes: a room is claimed by its first token.
	 */
	claimRoom(roomId: string, tokenHash: string): Promise<RoomAccess>;
	loadRoom(roomId: string): Promise<StoredRoom>;
	/** Durably appends one update; resolves with its sequence number once stored. */
	appendUpdate(roomId: string, data: Uint8Array): Promise<number>;
	/** Folds the snapshot and the whole log into a new snapshot; null if nothing to fold. */
	compactRoom(roomId: string): Promise<CompactionResult | null>;
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

/** The merge both stores use when compacting. */
export function mergeForSnapshot(room: StoredRoom): Uint8Array {
	return Y.mergeUpdates(storedUpdates(room));
}
