// The free-space floor. A relay whose disk fills up fails every write of every room, and
// with them the collectives it serves; so below a floor of free space it stops taking
// new rooms and growth (updates), and keeps serving what it holds. Free space is read
// with statfs on the data directory, cached: read again after a few seconds, or sooner
// once the updates accepted since the last reading could have eaten into the margin.
import fs from 'node:fs';

export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;
/** Longest time between two readings. */
const REFRESH_MS = 2000;
/** Bytes accepted after which free space is read again, whatever the time. */
const REFRESH_AFTER_BYTES = 4 * 1024 * 1024;

export interface DiskSpaceOptions {
	/** Below this many free bytes the disk counts as low; 0 turns the floor off. */
	minFreeBytes: number;
	/** Reads the free bytes of `dir` (default: statfs, blocks available to the relay's user). */
	freeBytes?: (dir: string) => number;
	/** Told when the disk becomes low, and when it is not any more. */
	changed?: (low: boolean, freeBytes: number) => void;
}

function statfsFree(dir: string): number {
	const stats = fs.statfsSync(dir);
	return stats.bavail * stats.bsize;
}

export class DiskSpace {
	readonly #read: (dir: string) => number;
	#free = Number.POSITIVE_INFINITY;
	#readAt = Number.NEGATIVE_INFINITY;
	/** Bytes accepted since the last reading: they may not be on disk yet, but will be. */
	#acceptedSince = 0;
	#low = false;

	constructor(
		private readonly dir: string,
		private readonly options: DiskSpaceOptions
	) {
		this.#read = options.freeBytes ?? statfsFree;
	}

	/** Free bytes at the last reading, less what was accepted since. */
	get freeBytes(): number {
		return this.#free - this.#acceptedSince;
	}

	/**
	 * Whether the disk is below the floor, counting `incomingBytes` about to be written.
	 * Cheap: a system call every few seconds at most.
	 */
	isLow(incomingBytes = 0): boolean {
		if (this.options.minFreeBytes <= 0) return false;
		const now = performance.now();
		if (now - this.#readAt > REFRESH_MS || this.#acceptedSince > REFRESH_AFTER_BYTES) this.#refresh(now);
		const low = this.freeBytes - incomingBytes < this.options.minFreeBytes;
		if (!low) this.#acceptedSince += incomingBytes;
		if (low !== this.#low) {
			this.#low = low;
			this.options.changed?.(low, this.freeBytes);
		}
		return low;
	}

	#refresh(now: number): void {
		this.#readAt = now;
		this.#acceptedSince = 0;
		try {
			this.#free = this.#read(this.dir);
		} catch {
			// Unreadable: the last reading stands; the writes themselves will say more.
		}
	}
}
