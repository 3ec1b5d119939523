// Folds a room's log into a snapshot when it has grown long, in the background: the room
// keeps taking updates while the merge runs on the merger's thread, and the store writes
// the result in one transaction (see RoomStorage.compactRoom).
import type { Logger } from './logger.js';
import type { UpdateMerger } from './merger.js';
import { errorMessage } from './messages.js';
import type { RelayMetrics } from './metrics.js';
import type { RoomStorage } from './storage.js';

export interface CompactionContext {
	storage: RoomStorage;
	merger: UpdateMerger;
	metrics: RelayMetrics;
	logger: Logger;
	/** Fold the log into a snapshot once it holds this many entries… */
	compactAfterUpdates: number;
	/** …or this many bytes. */
	compactAfterBytes: number;
}

export class Compactor {
	#logEntries = 0;
	#logBytes = 0;
	#running: Promise<void> | null = null;

	constructor(
		private readonly roomId: string,
		private readonly context: CompactionContext
	) {}

	/** The log as found when the room was loaded. */
	loaded(entries: number, bytes: number): void {
		this.#logEntries = entries;
		this.#logBytes = bytes;
		this.#startIfDue();
	}

	/** One more entry in the log. */
	appended(bytes: number): void {
		this.#logEntries += 1;
		this.#logBytes += bytes;
		this.#startIfDue();
	}

	/** Resolves when no compaction is running. */
	async idle(): Promise<void> {
		while (this.#running !== null) await this.#running;
	}

	#startIfDue(): void {
		if (this.#running !== null) return;
		if (this.#logEntries < this.context.compactAfterUpdates && this.#logBytes < this.context.compactAfterBytes) {
			return;
		}
		// Reset first: entries appended while this runs stay in the log and count toward the
		// next one; after a failure, the next attempt waits for another full batch instead
		// of retrying on every update.
		const entries = this.#logEntries;
		this.#logEntries = 0;
		this.#logBytes = 0;
		this.#running = this.#compact(entries).finally(() => {
			this.#running = null;
		});
	}

	async #compact(entries: number): Promise<void> {
		const { storage, merger, metrics, logger } = this.context;
		const stopTimer = metrics.compactionSeconds.startTimer();
		try {
			const result = await storage.compactRoom(this.roomId, (updates) => merger.merge(updates));
			if (result === null) return;
			metrics.compactions.inc();
			const seconds = stopTimer();
			logger.info(
				{ room: this.roomId, seqUpto: result.seqUpto, merged: result.merged, bytes: result.snapshotBytes, seconds },
				'room compacted'
			);
		} catch (error) {
			metrics.storageFailures.inc({ operation: 'compact' });
			logger.error(
				{ room: this.roomId, logEntries: entries, error: errorMessage(error) },
				'compaction failed; the log is kept'
			);
		}
	}
}
