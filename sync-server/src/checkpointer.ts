// Copies the write-ahead log back into the database file from a worker thread. Left to
// itself, SQLite does it inside the commit that takes the log past 1000 pages, syncing
// both files while the event loop, and so every room, waits: a stall of several
// milliseconds every few seconds under a steady stream of edits. Here the relay's own
// connection never checkpoints (wal_autocheckpoint = 0); a second connection, in a worker,
// runs a PASSIVE checkpoint, which never blocks a writer, once the log has grown by about
// as many pages as SQLite itself would wait for.
// Should the worker fail, the relay's connection goes back to checkpointing by itself: the
// log must not grow without end.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', ({ id }) => {
	try {
		const [result] = db.pragma('wal_checkpoint(PASSIVE)');
		parentPort.postMessage({ id, result });
	} catch (error) {
		parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
	}
});
`;

interface CheckpointResult {
	/** 1 if another connection held a lock the checkpoint needed (it is tried again later). */
	busy: number;
	/** Pages in the log, and how many of them are now in the database file. */
	log: number;
	checkpointed: number;
}

export interface CheckpointObserver {
	checkpointed(seconds: number, result: CheckpointResult): void;
	/** The worker failed: checkpoints are back on the relay's own connection. */
	failed(error: Error): void;
}

export interface CheckpointerOptions {
	/** A checkpoint starts once about this many pages have gone into the log (default 1000, like SQLite). */
	everyPages?: number;
	observer?: CheckpointObserver;
}

export class Checkpointer {
	readonly #worker: Worker;
	readonly #everyPages: number;
	readonly #observer: CheckpointObserver | null;
	/** Called once if the worker fails: the owner turns SQLite's own checkpoints back on. */
	readonly #fallback: () => void;
	#pages = 0;
	#running: { id: number; started: number; ended: Promise<void>; end: () => void } | null = null;
	#nextId = 1;
	#failed = false;
	#closed = false;

	constructor(file: string, fallback: () => void, options: CheckpointerOptions = {}) {
		this.#everyPages = options.everyPages ?? 1000;
		this.#observer = options.observer ?? null;
		this.#fallback = fallback;
		this.#worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') }
		});
		// An idle checkpointer is no reason to keep the process alive.
		this.#worker.unref();
		this.#worker.on('message', (reply: { id: number; result?: CheckpointResult; error?: string }) =>
			this.#finished(reply)
		);
		this.#worker.on('error', (error) => this.#fail(error));
		this.#worker.on('exit', () => this.#fail(new Error('checkpoint worker exited')));
	}

	/** Records a commit that wrote about `pages` pages; starts a checkpoint once enough have piled up. */
	wrote(pages: number): void {
		this.#pages += pages;
		if (this.#pages >= this.#everyPages) this.#start();
	}

	/** Waits for a running checkpoint, then stops the worker. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		await this.#running?.ended;
		await this.#worker.terminate();
	}

	#start(): void {
		if (this.#running !== null || this.#failed || this.#closed) return;
		this.#pages = 0;
		const id = this.#nextId++;
		let end = (): void => {};
		const ended = new Promise<void>((resolve) => (end = resolve));
		this.#running = { id, started: performance.now(), ended, end };
		this.#worker.ref();
		this.#worker.postMessage({ id });
	}

	#finished(reply: { id: number; result?: CheckpointResult; error?: string }): void {
		const running = this.#running;
		if (running === null || running.id !== reply.id) return;
		this.#running = null;
		this.#worker.unref();
		running.end();
		if (reply.result === undefined) return this.#fail(new Error(reply.error ?? 'checkpoint failed'));
		this.#observer?.checkpointed((performance.now() - running.started) / 1000, reply.result);
	}

	#fail(error: Error): void {
		if (this.#failed || this.#closed) return;
		this.#failed = true;
		this.#running?.end();
		this.#running = null;
		this.#fallback();
		this.#observer?.failed(error);
		void this.#worker.terminate();
	}
}
