// Folds a room's log into a snapshot, off the hot path. The room already holds its whole
// document in memory (see DocState), so a compaction reads nothing back from storage:
// it takes the merged document (merging on the worker thread if need be) and writes it
// as the new snapshot in one transaction, which also deletes the log entries it covers.
//
// When: once the log passes its thresholds, after the room has been quiet for a moment
// (a burst of edits is not interrupted by a merge and a large write), but no later than
// a maximum wait, so that a room that never pauses still has its log folded. And when a
// room leaves memory with a log of some length, so that the next load reads one snapshot
// and a few entries after it, and merges nothing.
// Compactions of all rooms take turns, one at a time: rooms that filled up together (a
// busy relay) would otherwise write their snapshots together and stall the traffic.
import { INSPECT_LOG_BELOW_BYTES } from './doc-state.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../protocol/messages.js';
import type { RelayMetrics } from '../metrics.js';
import type { SerialQueue } from './serial-queue.js';
import type { RoomStorage, Snapshot } from '../storage/storage.js';

export interface CompactionContext {
	storage: RoomStorage;
	metrics: RelayMetrics;
	logger: Logger;
	/** Fold the log into a snapshot once it holds this many entries… */
	compactAfterUpdates: number;
	/** …or this many bytes… */
	compactAfterBytes: number;
	/** …after the room has had no new update for this long… */
	compactQuietMs: number;
	/** …or this long after it became due, whichever comes first. */
	compactMaxWaitMs: number;
	/** Shared by every room: one compaction at a time. */
	compactions: SerialQueue;
}

/** The room's whole document as one update, and the last log entry it holds; null if it cannot tell. */
export type SnapshotSource = () => Promise<Snapshot | null>;

/**
 * A room leaving memory folds a log of at least this many entries, or one too large to be
 * read entry by entry at the next load. A shorter, lighter one costs that load no more
 * than a snapshot does (nothing is merged), while folding it would cost the room a merge
 * of its whole document as it leaves; when many rooms go idle together, that is a burst
 * of merges, and of memory the process keeps for a while after.
 */
const FOLD_ON_UNLOAD_MIN_ENTRIES = 100;
/**
 * Nor does it fold into a snapshot larger than this, unless the log is due anyway:
 * rewriting a big snapshot for a few entries costs more than reading them.
 */
const FOLD_ON_UNLOAD_BELOW_BYTES = 8 * 1024 * 1024;

export class Compactor {
	#logEntries = 0;
	#logBytes = 0;
	#snapshotBytes = 0;
	#lastAppend = 0;
	#dueSince: number | null = null;
	#timer: NodeJS.Timeout | null = null;
	#running: Promise<void> | null = null;
	#disposed = false;

	constructor(
		private readonly roomId: string,
		private readonly context: CompactionContext,
		private readonly source: SnapshotSource
	) {}

	/** The log and snapshot as found when the room was loaded. */
	loaded(entries: number, bytes: number, snapshotBytes: number): void {
		this.#logEntries = entries;
		this.#logBytes = bytes;
		this.#snapshotBytes = snapshotBytes;
		this.#check();
	}

	/** One more entry in the log. */
	appended(bytes: number): void {
		this.#logEntries += 1;
		this.#logBytes += bytes;
		this.#lastAppend = performance.now();
		this.#check();
	}

	/** The room leaves memory: folds the log now if there is one worth folding. */
	async beforeUnload(): Promise<void> {
		this.#clearTimer();
		await this.idle();
		if (this.#disposed || this.#logEntries === 0) return;
		if (!this.#due()) {
			if (this.#logEntries < FOLD_ON_UNLOAD_MIN_ENTRIES && this.#logBytes < INSPECT_LOG_BELOW_BYTES) return;
			if (this.#snapshotBytes >= FOLD_ON_UNLOAD_BELOW_BYTES) return;
		}
		this.#start();
		await this.idle();
	}

	/** Resolves when no compaction is running. */
	async idle(): Promise<void> {
		while (this.#running !== null) await this.#running;
	}

	/** No more compactions start (the room is gone); one running finishes. */
	dispose(): void {
		this.#disposed = true;
		this.#clearTimer();
	}

	#due(): boolean {
		if (this.#logBytes >= this.context.compactAfterBytes) return true;
		// A compaction rewrites the whole snapshot. Past the entry threshold it also waits
		// for the log to weigh a quarter of the snapshot, so that a big, busy room pays for
		// its compactions in proportion to what it takes in, not a whole rewrite every few
		// hundred edits.
		return this.#logEntries >= this.context.compactAfterUpdates && this.#logBytes * 4 >= this.#snapshotBytes;
	}

	#check(): void {
		if (this.#running !== null || this.#timer !== null || this.#disposed || !this.#due()) return;
		this.#dueSince ??= performance.now();
		this.#arm(Math.min(this.context.compactQuietMs, this.context.compactMaxWaitMs));
	}

	#arm(delayMs: number): void {
		this.#timer = setTimeout(() => this.#onTimer(), Math.max(0, delayMs));
		// A pending compaction is no reason to keep the process alive.
		this.#timer.unref();
	}

	#onTimer(): void {
		this.#timer = null;
		if (this.#running !== null || this.#disposed) return;
		const now = performance.now();
		const quietFor = now - this.#lastAppend;
		const dueFor = now - (this.#dueSince ?? now);
		if (quietFor >= this.context.compactQuietMs || dueFor >= this.context.compactMaxWaitMs) {
			this.#start();
			return;
		}
		this.#arm(Math.min(this.context.compactQuietMs - quietFor, this.context.compactMaxWaitMs - dueFor));
	}

	#start(): void {
		if (this.#running !== null) return;
		this.#clearTimer();
		// Reset first: entries appended while this runs stay in the log and count toward the
		// next one; after a failure, the next attempt waits for another full batch instead
		// of retrying on every update.
		const entries = this.#logEntries;
		this.#logEntries = 0;
		this.#logBytes = 0;
		this.#dueSince = null;
		this.#running = this.context.compactions
			.run(async () => {
				await this.#compact(entries);
				// The next room's turn comes after the traffic that waited meanwhile.
				await new Promise((resolve) => setImmediate(resolve));
			})
			.finally(() => {
				this.#running = null;
				this.#check();
			});
	}

	async #compact(entries: number): Promise<void> {
		// Its turn came after the relay began to shut down: the store may be closed.
		if (this.#disposed) return;
		const { storage, metrics, logger } = this.context;
		const stopTimer = metrics.compactionSeconds.startTimer();
		try {
			const snapshot = await this.source();
			if (snapshot === null) {
				logger.warn(
					{ room: this.roomId, logEntries: entries },
					'compaction skipped: the room is not sure to hold its whole log'
				);
				return;
			}
			const result = await storage.writeSnapshot(this.roomId, snapshot);
			if (result === null) return;
			this.#snapshotBytes = result.snapshotBytes;
			metrics.compactions.inc();
			const seconds = stopTimer();
			const { seqUpto, merged, snapshotBytes } = result;
			logger.info({ room: this.roomId, seqUpto, merged, bytes: snapshotBytes, seconds }, 'room compacted');
		} catch (error) {
			metrics.storageFailures.inc({ operation: 'compact' });
			logger.error(
				{ room: this.roomId, logEntries: entries, error: errorMessage(error) },
				'compaction failed; the log is kept'
			);
		}
	}

	#clearTimer(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
