// Group commit: the updates that reach the relay within one turn of the event loop, from
// every room, are stored in one transaction, so that one sync to disk covers them all.
// With a sync per update, a busy relay spends its time waiting for the disk (a few
// hundred syncs a second on ordinary storage); with one per turn, the more arrives, the
// more each sync carries, and durability is the same: an update is on disk before
// anyone hears of it.
//
// Commits are serialised: while one runs (a store may answer asynchronously), the next
// batch gathers, and goes as soon as it ends. Within a batch the order of arrival is kept,
// so a room's updates get their sequence numbers in the order the room handed them over.
import type { Append, RoomStorage } from './storage.js';

/** The update was not stored because its sender was refused before the commit. */
export class AppendDropped extends Error {
	override name = 'AppendDropped';
}

export interface AppendOptions {
	/**
	 * Asked just before the commit: true drops the update, unstored (its connection was
	 * refused meanwhile, e.g. because an earlier commit of its updates failed).
	 */
	dropped?: () => boolean;
}

/** What the relay counts about commits. */
export interface CommitObserver {
	/** A commit stored `updates` updates in `seconds`; each waited `waits` seconds from hand-over to durable. */
	committed(updates: number, seconds: number, waits: readonly number[]): void;
	/** A commit of `updates` updates failed: none of them is stored. */
	failed(updates: number, error: unknown): void;
}

interface Pending extends Append {
	options: AppendOptions;
	queuedAt: number;
	resolve(seq: number): void;
	reject(error: unknown): void;
}

const silentObserver: CommitObserver = { committed: () => {}, failed: () => {} };

export class GroupCommit {
	#pending: Pending[] = [];
	#scheduled = false;
	#running: Promise<void> | null = null;

	constructor(
		private readonly storage: RoomStorage,
		private readonly observer: CommitObserver = silentObserver
	) {}

	/**
	 * Queues an update for the next commit. Resolves with its sequence number once it is
	 * durably stored; rejects if the commit failed (nothing of that commit is stored) or
	 * with AppendDropped if `options.dropped` said so.
	 */
	append(roomId: string, data: Uint8Array, options: AppendOptions = {}): Promise<number> {
		return new Promise<number>((resolve, reject) => {
			this.#pending.push({ roomId, data, options, queuedAt: performance.now(), resolve, reject });
			this.#schedule();
		});
	}

	/** Updates waiting for a commit, or in the one running. */
	get busy(): boolean {
		return this.#pending.length > 0 || this.#running !== null || this.#scheduled;
	}

	/** Resolves once every update queued so far has been committed (or has failed). */
	async idle(): Promise<void> {
		while (this.busy) {
			if (this.#running !== null) await this.#running;
			else await new Promise((resolve) => setImmediate(resolve));
		}
	}

	#schedule(): void {
		if (this.#scheduled || this.#running !== null) return;
		this.#scheduled = true;
		// After the current turn: everything the sockets delivered in it joins this commit.
		setImmediate(() => {
			this.#scheduled = false;
			this.#running = this.#commit().finally(() => {
				this.#running = null;
				if (this.#pending.length > 0) this.#schedule();
			});
		});
	}

	async #commit(): Promise<void> {
		const batch: Pending[] = [];
		for (const entry of this.#pending.splice(0)) {
			if (entry.options.dropped?.() === true) entry.reject(new AppendDropped('sender refused before the commit'));
			else batch.push(entry);
		}
		if (batch.length === 0) return;
		const started = performance.now();
		let seqs: number[];
		try {
			seqs = await this.storage.appendUpdates(batch);
			if (seqs.length !== batch.length) {
				throw new Error(`store returned ${seqs.length} sequence numbers for ${batch.length} updates`);
			}
		} catch (error) {
			this.observer.failed(batch.length, error);
			for (const entry of batch) entry.reject(error);
			return;
		}
		const now = performance.now();
		this.observer.committed(
			batch.length,
			(now - started) / 1000,
			batch.map((entry) => (now - entry.queuedAt) / 1000)
		);
		batch.forEach((entry, i) => entry.resolve(seqs[i] as number));
	}
}
