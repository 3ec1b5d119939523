// Copies the write-ahead log back into the database file from the store worker. Left to
// itself, SQLite does it inside the commit that takes the log past 1000 pages, syncing
// both files while the event loop, and so every room, waits: a stall of several
// milliseconds every few seconds under a steady stream of edits. Here the relay's own
// connection never checkpoints (wal_autocheckpoint = 0); the worker's connection runs a
// PASSIVE checkpoint, which never blocks a writer, once the log has grown by about as
// many pages as SQLite itself would wait for, and on a quiet relay some seconds after a
// write, so that the database file is never far behind its log.
// Should the worker fail, the relay's connection goes back to checkpointing by itself: the
// log must not grow without end.
import type { CheckpointResult, StoreWorker } from './store-worker.js';

export interface CheckpointObserver {
	checkpointed(seconds: number, result: CheckpointResult): void;
	/** The worker failed: checkpoints are back on the relay's own connection. */
	failed(error: Error): void;
}

export interface CheckpointerOptions {
	/** A checkpoint starts once about this many pages have gone into the log (default 1000, like SQLite)… */
	everyPages?: number;
	/**
	 * …or at the latest this long after the first write since the last one (default 30 s):
	 * a quiet relay's claims and key changes would otherwise live in the log alone for
	 * days, and a lost log would take them along.
	 */
	everyMs?: number;
	observer?: CheckpointObserver;
}

export class Checkpointer {
	readonly #everyPages: number;
	readonly #observer: CheckpointObserver | null;
	#pages = 0;
	#running = false;
	#failed = false;
	readonly #everyMs: number;
	#timer: NodeJS.Timeout | null = null;

	/** `fallback` is called once if the worker fails: the owner turns SQLite's own checkpoints back on. */
	constructor(
		private readonly worker: StoreWorker,
		private readonly fallback: () => void,
		options: CheckpointerOptions = {}
	) {
		this.#everyPages = options.everyPages ?? 1000;
		this.#everyMs = options.everyMs ?? 30_000;
		this.#observer = options.observer ?? null;
	}

	/** Records a commit that wrote about `pages` pages; starts a checkpoint once enough have piled up. */
	wrote(pages: number): void {
		this.#pages += pages;
		if (this.#pages >= this.#everyPages) this.#start();
		else if (this.#timer === null && this.#everyMs > 0) {
			this.#timer = setTimeout(() => {
				this.#timer = null;
				if (this.#pages > 0) this.#start();
			}, this.#everyMs);
			this.#timer.unref();
		}
	}

	/** The worker is gone (told by its owner, or found on a checkpoint): checkpoints go back to SQLite. */
	workerFailed(error: Error): void {
		if (this.#failed) return;
		this.#failed = true;
		this.fallback();
		this.#observer?.failed(error);
	}

	#start(): void {
		if (this.#running || this.#failed || this.worker.dead || this.worker.closed) return;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
		this.#pages = 0;
		this.#running = true;
		const started = performance.now();
		this.worker.checkpoint().then(
			(result) => {
				this.#running = false;
				this.#observer?.checkpointed((performance.now() - started) / 1000, result);
			},
			(error: unknown) => {
				this.#running = false;
				// A closed worker is no failure; a dead one is reported by its owner.
				if (this.worker.dead || this.worker.closed) return;
				this.workerFailed(error instanceof Error ? error : new Error(String(error)));
			}
		);
	}
}
