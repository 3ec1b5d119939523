// Folds journaled updates into SQLite in batches (see journal.ts for why they land in a
// journal first). Updates wait at most an interval, or until enough of them have piled
// up; one fold runs at a time (in the store worker, see store-worker.ts), and a reader of
// the store waits until everything appended before it is folded, so that it never misses
// an update. A fold that fails leaves its updates in the journal, where they stay safe,
// and is tried again.
import type { Journal, JournalFileIndex, JournalRecord } from './journal.js';

export interface FoldObserver {
	folded(seconds: number, updates: number): void;
	failed(error: unknown): void;
}

export interface FolderHooks {
	/** Inserts the records into the log table, all or none; rejects on failure. */
	insert(records: readonly JournalRecord[]): Promise<void>;
	/** Resolves once everything written to SQLite so far is on disk. */
	synced(): Promise<void>;
}

export interface FolderOptions {
	/** Most time an update waits before its fold starts (default 100 ms). */
	intervalMs?: number;
	observer?: FoldObserver;
}

export const DEFAULT_FOLD_INTERVAL_MS = 100;
/** Waiting updates that start a fold without waiting for the interval. */
const FOLD_NOW_UPDATES = 4096;
/** Before a failed fold is tried again. */
const RETRY_MS = 1000;

interface Batch {
	records: readonly JournalRecord[];
	file: JournalFileIndex;
}

export class JournalFolder {
	#waiting: Batch[] = [];
	#waitingRecords = 0;
	/** Records appended so far, and how many of the first ones are folded. */
	#appended = 0;
	#folded = 0;
	/** Per journal file, records not folded yet. */
	readonly #unfolded: [number, number] = [0, 0];
	#running: Promise<void> | null = null;
	#timer: NodeJS.Timeout | null = null;
	#failure: unknown = null;
	#emptying = false;
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
	append(records: readonly JournalRecord[]): JournalFileIndex {
		const file = this.journal.append(records);
		this.#waiting.push({ records, file });
		this.#waitingRecords += records.length;
		this.#appended += records.length;
		this.#unfolded[file] += records.length;
		if (this.#waitingRecords >= FOLD_NOW_UPDATES) this.#start();
		else this.#schedule(this.#intervalMs);
		return file;
	}

	/** Resolves once every update appended before the call is folded; rejects if a fold fails. */
	async settled(): Promise<void> {
		const target = this.#appended;
		while (this.#folded < target) {
			if (this.#running === null) this.#start();
			await this.#running;
			if (this.#failure !== null && this.#folded < target) throw this.#failure;
		}
	}

	/** Folds what waits and stops; false if that failed (it stays in the journal). */
	async close(): Promise<boolean> {
		try {
			await this.settled();
			return true;
		} catch {
			return false;
		} finally {
			this.#cancel();
		}
	}

	#start(): void {
		this.#cancel();
		if (this.#running !== null || this.#waiting.length === 0) return;
		const batches = this.#waiting;
		this.#waiting = [];
		this.#waitingRecords = 0;
		const records = batches.flatMap((batch) => batch.records);
		const started = performance.now();
		this.#running = this.hooks
			.insert(records)
			.then(
				() => {
					this.#failure = null;
					this.#folded += records.length;
					for (const batch of batches) this.#unfolded[batch.file] -= batch.records.length;
					this.options.observer?.folded((performance.now() - started) / 1000, records.length);
					this.#emptyRetiredFile();
				},
				(error: unknown) => {
					// Back in front, in order: the next fold takes them first.
					this.#failure = error;
					this.#waiting = [...batches, ...this.#waiting];
					this.#waitingRecords += records.length;
					this.options.observer?.failed(error);
					this.#schedule(RETRY_MS);
				}
			)
			.finally(() => {
				this.#running = null;
				if (this.#waitingRecords >= FOLD_NOW_UPDATES && this.#failure === null) this.#start();
				else if (this.#waiting.length > 0) this.#schedule(this.#intervalMs);
			});
	}

	/** The file writing left is emptied once all its records are folded and SQLite's log is on disk. */
	#emptyRetiredFile(): void {
		const retiring = this.journal.retiring;
		if (retiring === null || this.#unfolded[retiring] > 0 || this.#emptying) return;
		this.#emptying = true;
		this.hooks
			.synced()
			.then(
				() => this.journal.emptyRetiring(),
				() => {}
			)
			.finally(() => (this.#emptying = false));
	}

	#schedule(delayMs: number): void {
		if (this.#timer !== null) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.#start();
		}, delayMs);
		this.#timer.unref();
	}

	#cancel(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
