// Folds journaled updates into SQLite in batches (see journal.ts for why they land in a
// journal first). Updates wait at most an interval, or until enough of them have piled
// up, and a reader of the store folds first, so that it never misses one. A fold that
// fails leaves its updates in the journal, where they stay safe, and is tried again.
import type { Journal, JournalRecord } from './journal.js';

export interface FoldObserver {
	folded(seconds: number, updates: number): void;
	failed(error: unknown): void;
}

export interface FolderHooks {
	/** Inserts the records into the log table, all or none; throws on failure. */
	insert(records: readonly JournalRecord[]): void;
	/** Resolves once everything written to SQLite so far is on disk. */
	synced(): Promise<void>;
}

export interface FolderOptions {
	/** Most time an update waits before its fold (default 100 ms). */
	intervalMs?: number;
	observer?: FoldObserver;
}

export const DEFAULT_FOLD_INTERVAL_MS = 100;
/** Waiting updates that start a fold without waiting for the interval. */
const FOLD_NOW_UPDATES = 4096;
/** Before a failed fold is tried again. */
const RETRY_MS = 1000;

export class JournalFolder {
	#waiting: JournalRecord[] = [];
	#timer: NodeJS.Timeout | null = null;
	#failure: unknown = null;
	readonly #intervalMs: number;

	constructor(
		private readonly journal: Journal,
		private readonly hooks: FolderHooks,
		private readonly options: FolderOptions = {}
	) {
		this.#intervalMs = options.intervalMs ?? DEFAULT_FOLD_INTERVAL_MS;
	}

	/** Whether the last fold failed (and none has succeeded since). */
	get failed(): boolean {
		return this.#failure !== null;
	}

	/** Writes the records to the journal (throws if that fails) and schedules their fold. */
	append(records: readonly JournalRecord[]): void {
		this.journal.append(records);
		for (const record of records) this.#waiting.push(record);
		if (this.#waiting.length >= FOLD_NOW_UPDATES) this.#foldOrRetry();
		else this.#schedule(this.#intervalMs);
	}

	/** Folds every waiting update now, in one transaction; throws if that fails. */
	fold(): void {
		this.#cancel();
		const records = this.#waiting;
		if (records.length === 0) return;
		const started = performance.now();
		try {
			this.hooks.insert(records);
		} catch (error) {
			this.#failure = error;
			this.options.observer?.failed(error);
			throw error;
		}
		this.#failure = null;
		this.#waiting = [];
		this.options.observer?.folded((performance.now() - started) / 1000, records.length);
		const emptyOld = this.journal.switchIfFull();
		// The old file goes only once the rows folded from it are on disk in SQLite.
		if (emptyOld !== null) this.hooks.synced().then(emptyOld, () => {});
	}

	/** Stops the timer and folds what waits; false if that failed (it stays in the journal). */
	close(): boolean {
		try {
			this.fold();
			return true;
		} catch {
			return false;
		}
	}

	#foldOrRetry(): void {
		try {
			this.fold();
		} catch {
			this.#schedule(RETRY_MS);
		}
	}

	#schedule(delayMs: number): void {
		if (this.#timer !== null) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.#foldOrRetry();
		}, delayMs);
		this.#timer.unref();
	}

	#cancel(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
