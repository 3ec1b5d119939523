// Syncs the store's file to disk off the event loop, behind the writes. A commit lands in
// the write-ahead log through the operating system's cache: from then on it survives a
// crash of the relay, and the relay fans it out at once. Surviving a power cut takes a
// sync to the disk (fdatasync), which costs from a fraction of a millisecond to tens of
// them; run in the thread pool, it holds up nothing but the acknowledgements, which wait
// for it. One sync runs at a time and covers every write made before it started, and a
// sync starts at most once per interval (50 ms by default, as long as acknowledgements
// are debounced): however fast writes come, the disk sees at most 20 syncs a second, and
// the thread doing them does not take the core from the event loop every few hundred
// microseconds. A write reaches the disk within about one interval and one sync.
//
// A failed sync is final: after an fsync error the kernel may have dropped the dirty pages,
// and a later sync that succeeds would vouch for data that is gone. Every wait is refused
// from then on, so no client is told its changes are stored; they keep them and resend.

export interface DiskSyncObserver {
	/** A sync took `seconds`; the first `writes` writes are now on disk. */
	synced(seconds: number, writes: number): void;
	failed(error: unknown): void;
}

interface Waiter {
	/** Covered once the syncs have reached this many writes. */
	writes: number;
	resolve(): void;
	reject(error: unknown): void;
}

const silentObserver: DiskSyncObserver = { synced: () => {}, failed: () => {} };

export const DEFAULT_DISK_SYNC_INTERVAL_MS = 50;

export interface DiskSyncOptions {
	/** Least time between the starts of two syncs (default 50 ms; 0 syncs as soon as possible). */
	intervalMs?: number;
	observer?: DiskSyncObserver;
}

export class DiskSync {
	/** Writes made so far; a sync that starts now covers all of them. */
	#written = 0;
	/** Writes covered by the last sync that ended well. */
	#covered = 0;
	#running: Promise<void> | null = null;
	/** Set while a sync waits for its interval to pass. */
	#timer: NodeJS.Timeout | null = null;
	#lastStart = -Infinity;
	#waiters: Waiter[] = [];
	#failure: unknown = null;
	readonly #intervalMs: number;
	readonly #observer: DiskSyncObserver;

	constructor(
		private readonly syncFile: () => Promise<void>,
		options: DiskSyncOptions = {}
	) {
		this.#intervalMs = options.intervalMs ?? DEFAULT_DISK_SYNC_INTERVAL_MS;
		this.#observer = options.observer ?? silentObserver;
	}

	/** A sync has failed: nothing written will be vouched for any more. */
	get failed(): boolean {
		return this.#failure !== null;
	}

	/** Records a write that has reached the file (its commit returned) and starts a sync for it. */
	wrote(): void {
		this.#written += 1;
		this.#start();
	}

	/** Resolves once every write recorded before the call is on disk. */
	synced(): Promise<void> {
		if (this.#failure !== null) return Promise.reject(this.#failure);
		if (this.#covered >= this.#written) return Promise.resolve();
		return new Promise<void>((resolve, reject) => {
			this.#waiters.push({ writes: this.#written, resolve, reject });
			this.#start();
		});
	}

	/** Resolves once every write so far has been synced (or a sync has failed). */
	async idle(): Promise<void> {
		await this.synced().catch(() => {});
	}

	#start(): void {
		if (this.#running !== null || this.#timer !== null) return;
		if (this.#failure !== null || this.#covered >= this.#written) return;
		const wait = this.#lastStart + this.#intervalMs - performance.now();
		if (wait > 0) {
			this.#timer = setTimeout(() => {
				this.#timer = null;
				this.#start();
			}, wait);
			return;
		}
		const started = performance.now();
		this.#lastStart = started;
		const writes = this.#written;
		this.#running = this.syncFile().then(
			() => {
				this.#covered = writes;
				this.#observer.synced((performance.now() - started) / 1000, writes);
				const waiting = this.#waiters;
				this.#waiters = waiting.filter((waiter) => waiter.writes > writes);
				for (const waiter of waiting) if (waiter.writes <= writes) waiter.resolve();
				this.#running = null;
				// Writes made while this sync ran: the next one takes them all.
				this.#start();
			},
			(error: unknown) => {
				this.#failure = error instanceof Error ? error : new Error(String(error));
				this.#observer.failed(error);
				for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
				this.#running = null;
			}
		);
	}
}
