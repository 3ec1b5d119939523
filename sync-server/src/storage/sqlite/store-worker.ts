// A worker thread with a second connection to the store's SQLite file, for the writes
// that need not hold up the event loop: folding journaled updates into the log table
// (journal-folder.ts) and checkpoints (checkpointer.ts). Inserting a few hundred rows
// takes milliseconds during which no socket would be served; in a thread, it runs beside
// the event loop, and on a busy single core the scheduler hands the core to the event
// loop whenever a socket wakes it. Tasks run one at a time, in the order given.
//
// If the worker dies, every task waiting on it fails and the owner is told once: it goes
// back to doing that work on its own connection.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { JournalRecord } from './journal.js';
import { LOWER_THREAD_PRIORITY } from '../../thread-priority.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
${LOWER_THREAD_PRIORITY}
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT INTO updates (room_id, seq, data, created_at) VALUES (?, ?, ?, ?)');
const fold = db.transaction(({ rooms, seqs, offsets, data }) => {
	const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
	const now = Date.now();
	for (let i = 0; i < rooms.length; i++) insert.run(rooms[i], seqs[i], bytes.subarray(offsets[i], offsets[i + 1]), now);
});
parentPort.on('message', (task) => {
	try {
		if (task.kind === 'fold') {
			fold(task);
			parentPort.postMessage({ id: task.id });
		} else {
			const [result] = db.pragma('wal_checkpoint(PASSIVE)');
			parentPort.postMessage({ id: task.id, result });
		}
	} catch (error) {
		parentPort.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
	}
});
`;

export interface CheckpointResult {
	/** 1 if another connection held a lock the checkpoint needed (it is tried again later). */
	busy: number;
	/** Pages in the log, and how many of them are now in the database file. */
	log: number;
	checkpointed: number;
}

interface Reply {
	id: number;
	result?: CheckpointResult;
	error?: string;
}

interface Waiting {
	resolve(reply: Reply): void;
	reject(error: Error): void;
}

export class StoreWorker {
	readonly #worker: Worker;
	readonly #waiting = new Map<number, Waiting>();
	readonly #underWay = new Set<Promise<Reply>>();
	#nextId = 1;
	#failure: Error | null = null;
	#closed = false;

	/** `failed` is called once if the worker dies or cannot start. */
	constructor(
		file: string,
		private readonly failed: (error: Error) => void
	) {
		this.#worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') }
		});
		// An idle worker is no reason to keep the process alive.
		this.#worker.unref();
		this.#worker.on('message', (reply: Reply) => this.#answer(reply));
		this.#worker.on('error', (error) => this.#fail(error));
		this.#worker.on('exit', () => this.#fail(new Error('store worker exited')));
	}

	/** The worker is gone: its work is the owner's again. */
	get dead(): boolean {
		return this.#failure !== null;
	}

	/** close() was called: tasks are refused from then on. */
	get closed(): boolean {
		return this.#closed;
	}

	/** Inserts the records into the log table in one transaction. */
	async fold(records: readonly JournalRecord[]): Promise<void> {
		// Column by column, the data in one buffer handed over whole: a clone of many small
		// objects and views would cost the event loop more than the inserts it saves.
		const offsets = new Uint32Array(records.length + 1);
		for (const [i, record] of records.entries()) offsets[i + 1] = (offsets[i] as number) + record.data.byteLength;
		const data = new Uint8Array(offsets[records.length] as number);
		for (const [i, record] of records.entries()) data.set(record.data, offsets[i]);
		const seqs = Float64Array.from(records, (record) => record.seq);
		const rooms = records.map((record) => record.roomId);
		await this.#run({ kind: 'fold', rooms, seqs, offsets, data }, [data.buffer, seqs.buffer, offsets.buffer]);
	}

	/** Runs a PASSIVE checkpoint: the log copied into the database file, as far as no reader holds it back. */
	async checkpoint(): Promise<CheckpointResult> {
		const reply = await this.#run({ kind: 'checkpoint' }, []);
		if (reply.result === undefined) throw new Error('checkpoint returned nothing');
		return reply.result;
	}

	/** Lets the tasks under way finish, then stops the worker. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		await Promise.allSettled(this.#underWay);
		await this.#worker.terminate();
	}

	#run(task: object, transfer: ArrayBuffer[]): Promise<Reply> {
		if (this.#failure !== null) return Promise.reject(this.#failure);
		if (this.#closed) return Promise.reject(new Error('store worker closed'));
		const id = this.#nextId++;
		const reply = new Promise<Reply>((resolve, reject) => {
			this.#waiting.set(id, { resolve, reject });
			if (this.#waiting.size === 1) this.#worker.ref();
			this.#worker.postMessage({ ...task, id }, transfer);
		});
		this.#underWay.add(reply);
		const done = () => void this.#underWay.delete(reply);
		reply.then(done, done);
		return reply;
	}

	#answer(reply: Reply): void {
		const waiting = this.#waiting.get(reply.id);
		if (waiting === undefined) return;
		this.#waiting.delete(reply.id);
		if (this.#waiting.size === 0) this.#worker.unref();
		if (reply.error !== undefined) waiting.reject(new Error(reply.error));
		else waiting.resolve(reply);
	}

	#fail(error: Error): void {
		if (this.#failure !== null || this.#closed) return;
		this.#failure = error;
		for (const waiting of this.#waiting.values()) waiting.reject(error);
		this.#waiting.clear();
		this.failed(error);
		void this.#worker.terminate();
	}
}
