/**
 * One archiving pass of a member device: the oldest history records are copied
 * into the space's archive document, and removed from the space only once the
 * archive, as it is after the copy, is kept on this device and stored by the
 * relay. Until both say so, nothing leaves the space; if the app closes in
 * between, the next pass copies nothing again and removes what is confirmed.
 */
import * as Y from 'yjs';
import { copyToArchive, recordsToArchive, removeArchived, ARCHIVE_ABOVE, KEEP_RECENT, type ArchiveLimits } from '../domain/core';

export interface ArchiveConfirmations {
	/** Resolves once the archive document, as it is now, is kept on this device. */
	storedLocally(): Promise<void>;
	/** Resolves once the relay has said it stores everything the state vector `state` covers. */
	storedOnRelay(state: ReadonlyMap<number, number>): Promise<void>;
}

export interface ArchivePass {
	/** Records written into the archive by this pass. */
	copied: number;
	/** Records removed from the space by this pass. */
	removed: number;
}

/** Whether the space holds enough history for a pass to move any of it. */
export function archiveDue(space: Y.Doc, limits: ArchiveLimits = { above: ARCHIVE_ABOVE, keep: KEEP_RECENT }): boolean {
	return recordsToArchive(space, limits).length > 0;
}

export async function archiveOldRecords(
	space: Y.Doc,
	archive: Y.Doc,
	confirm: ArchiveConfirmations,
	limits: ArchiveLimits = { above: ARCHIVE_ABOVE, keep: KEEP_RECENT }
): Promise<ArchivePass> {
	const ids = recordsToArchive(space, limits);
	if (ids.length === 0) return { copied: 0, removed: 0 };
	// Tens of thousands of records the first time: a slice at a time, so a phone keeps answering.
	let copied = 0;
	for (let start = 0; start < ids.length; start += SLICE) {
		if (start > 0) await pause();
		if (space.isDestroyed || archive.isDestroyed) return { copied, removed: 0 };
		copied += copyToArchive(space, archive, ids.slice(start, start + SLICE));
	}
	// Whatever the archive holds now (this pass's copies, and another device's) is what must be kept.
	const state = Y.decodeStateVector(Y.encodeStateVector(archive));
	await confirm.storedLocally();
	await confirm.storedOnRelay(state);
	let removed = 0;
	for (let start = 0; start < ids.length; start += SLICE) {
		if (start > 0) await pause();
		if (space.isDestroyed || archive.isDestroyed) break;
		removed += removeArchived(space, archive, new Set(ids.slice(start, start + SLICE)));
	}
	return { copied, removed };
}

/** Records copied, or removed, in one transaction. */
const SLICE = 4000;

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Whether a state vector `held` covers everything `wanted` names. */
export function covers(held: ReadonlyMap<number, number>, wanted: ReadonlyMap<number, number>): boolean {
	for (const [client, clock] of wanted) if ((held.get(client) ?? 0) < clock) return false;
	return true;
}
