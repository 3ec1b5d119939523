// Merging, diffing and scanning encoded updates: the CPU-heavy part of the relay. On a
// 17 MiB room, one Y.mergeUpdates or Y.diffUpdate takes most of a second; on the event
// loop that second would stall every other room. So large inputs go to a worker thread,
// and small ones, where a round trip to the worker costs more than the work, stay here.
// Merges nobody waits for (background ones) go to the worker from a smaller size, or
// when they join many updates, whatever their size: a merge still costs a few
// microseconds per update, and twenty busy rooms reaching a thousand updates together
// would stall every room. A few small updates stay
// here: the worker is started only when there is real work for it (it costs memory).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import { LOWER_THREAD_PRIORITY } from '../thread-priority.js';

export interface Inspected {
	merged: Uint8Array;
	/** Per client, the clock below which every struct is held (Y.encodeStateVectorFromUpdate). */
	stateVector: Map<number, number>;
	/** Per client, the clock just past the last struct held at all. */
	highest: Map<number, number>;
}

export interface MergeOptions {
	/** Nobody waits for this merge: it may take the slower road if that spares the event loop. */
	background?: boolean;
	/**
	 * The updates are a part of the document, not all of it: they may build on structs
	 * they do not hold, so they are merged struct by struct (Y.mergeUpdates).
	 */
	part?: boolean;
}

export interface UpdateMerger {
	merge(updates: Uint8Array[], options?: MergeOptions): Promise<Uint8Array>;
	/** The merge of `updates`, and what a peer at the encoded `stateVector` lacks of it. */
	diff(updates: Uint8Array[], stateVector: Uint8Array): Promise<{ merged: Uint8Array; diff: Uint8Array }>;
	inspect(updates: Uint8Array[]): Promise<Inspected>;
	close(): Promise<void>;
}

/**
 * A whole document's updates as one: applied to a scratch document in one transaction,
 * then encoded again. This is linear in the input, where Y.mergeUpdates compares every
 * input at each struct (a thousand small updates: 2-3 ms against 25-50), and deleted
 * content is dropped as a document drops it (garbage collection, as in every client), so
 * a room whose values are overwritten over and over stays small. Structs that wait for
 * one that is missing are kept as they are (encodeStateAsUpdate includes them). A part
 * of a document may build on structs it lacks: it is merged struct by struct.
 *
 * Source text, so that the worker below and this thread run the very same code.
 */
const MERGE_ALL_SOURCE = `
function mergeAll(updates, part) {
	if (updates.length === 1) return { merged: updates[0], summary: null };
	if (part) return { merged: Y.mergeUpdates(updates), summary: null };
	const doc = new Y.Doc();
	doc.transact(() => {
		for (const update of updates) Y.applyUpdate(doc, update);
	});
	const merged = Y.encodeStateAsUpdate(doc);
	const summary = summaryOf(doc);
	doc.destroy();
	return { merged, summary };
}

function summaryOf(doc) {
	const store = doc.store;
	if (store.pendingStructs !== null || store.pendingDs !== null) return null;
	const ends = [...Y.decodeStateVector(Y.encodeStateVector(doc))];
	const out = [];
	const uint = (n) => {
		while (n > 127) {
			out.push(128 | n % 128);
			n = Math.floor(n / 128);
		}
		out.push(n);
	};
	const clients = [...Y.createDeleteSetFromStructStore(store).clients].filter(([, items]) => items.length > 0);
	if (clients.length === 0) return { ends, deletions: null };
	uint(0);
	uint(clients.length);
	for (const [client, items] of clients) {
		uint(client);
		uint(items.length);
		for (const item of items) {
			uint(item.clock);
			uint(item.len);
		}
	}
	return { ends, deletions: new Uint8Array(out) };
}
`;

/**
 * What a merge through a document knows of its result for free: per writer, the clock
 * past its last struct, and its deletions as an update with no struct. The relay would
 * otherwise walk the merged bytes to learn them the first time a device catches up.
 */
export interface MergedSummary {
	ends: Array<[number, number]>;
	deletions: Uint8Array | null;
}

const mergeAll = new Function('Y', `${MERGE_ALL_SOURCE}\nreturn mergeAll;`)(Y) as (
	updates: Uint8Array[],
	part?: boolean
) => { merged: Uint8Array; summary: MergedSummary | null };

const summaries = new WeakMap<Uint8Array, MergedSummary>();

/** The summary of a part this process merged through a document, if it did. */
export function summaryOfMerged(part: Uint8Array): MergedSummary | undefined {
	return summaries.get(part);
}

function remembered(merged: Uint8Array, summary: MergedSummary | null | undefined): Uint8Array {
	if (summary) summaries.set(merged, summary);
	return merged;
}

function inspectMerged(merged: Uint8Array): Inspected {
	return {
		merged,
		stateVector: Y.decodeStateVector(Y.encodeStateVectorFromUpdate(merged)),
		highest: Y.parseUpdateMeta(merged).to
	};
}

/** Everything on the calling thread: for tests, and for inputs too small to ship. */
function mergedHere(updates: Uint8Array[], part?: boolean): Uint8Array {
	const { merged, summary } = mergeAll(updates, part);
	return remembered(merged, summary);
}

export const inlineMerger: UpdateMerger = {
	merge: async (updates, options) => mergedHere(updates, options?.part),
	diff: async (updates, stateVector) => {
		const merged = mergedHere(updates);
		return { merged, diff: Y.diffUpdate(merged, stateVector) };
	},
	inspect: async (updates) => inspectMerged(mergedHere(updates)),
	close: async () => {}
};

// The worker's code is inline rather than a module of its own, so that the relay runs the
// same way from its TypeScript sources (tests) and from the compiled dist/. It loads the
// same Yjs package as the relay, by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
${LOWER_THREAD_PRIORITY}
const Y = require(workerData.yjs);
${MERGE_ALL_SOURCE}
parentPort.on('message', ({ id, op, updates, stateVector, part }) => {
	try {
		const { merged, summary } = mergeAll(updates, part);
		let result;
		if (op === 'merge') result = { merged, summary };
		else if (op === 'diff') result = { merged, summary, diff: Y.diffUpdate(merged, stateVector) };
		else result = {
			merged,
			summary,
			stateVector: Y.encodeStateVectorFromUpdate(merged),
			highest: [...Y.parseUpdateMeta(merged).to]
		};
		const buffers = [result.merged, result.diff, result.stateVector]
			.filter((bytes) => bytes !== undefined)
			.map((bytes) => bytes.buffer);
		parentPort.postMessage({ id, result }, [...new Set(buffers)]);
	} catch (error) {
		parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
	}
});
`;

interface WorkerReply {
	id: number;
	error?: string;
	result?: {
		merged: Uint8Array;
		summary?: MergedSummary | null;
		diff?: Uint8Array;
		stateVector?: Uint8Array;
		highest?: Array<[number, number]>;
	};
}

interface Pending {
	resolve(result: NonNullable<WorkerReply['result']>): void;
	reject(error: Error): void;
	timer: NodeJS.Timeout;
}

export interface WorkerMergerOptions {
	/** Inputs smaller than this (bytes in all) are handled on the calling thread… */
	inlineBelowBytes?: number;
	/** …and background merges smaller than this… */
	backgroundInlineBelowBytes?: number;
	/** …that join at most this many updates. */
	backgroundInlineMaxUpdates?: number;
	/** A job that takes longer is failed and the worker replaced, in case it is stuck. */
	jobTimeoutMs?: number;
}

/** One worker thread, started on first use and started again if it dies. */
export class WorkerMerger implements UpdateMerger {
	readonly #inlineBelowBytes: number;
	readonly #backgroundInlineBelowBytes: number;
	readonly #backgroundInlineMaxUpdates: number;
	readonly #jobTimeoutMs: number;
	readonly #pending = new Map<number, Pending>();
	#worker: Worker | null = null;
	#nextId = 1;
	#closed = false;

	constructor(options: WorkerMergerOptions = {}) {
		this.#inlineBelowBytes = options.inlineBelowBytes ?? 1024 * 1024;
		const backgroundBelow = options.backgroundInlineBelowBytes ?? 64 * 1024;
		this.#backgroundInlineBelowBytes = Math.min(this.#inlineBelowBytes, backgroundBelow);
		this.#backgroundInlineMaxUpdates = options.backgroundInlineMaxUpdates ?? 64;
		this.#jobTimeoutMs = options.jobTimeoutMs ?? 300_000;
	}

	/**
	 * Starts the worker now instead of at the first large merge. Starting one takes tens
	 * of milliseconds of CPU; on a busy single core, paid in the middle of serving, that
	 * is a stall every room feels.
	 */
	prepare(): this {
		if (!this.#closed) this.#ensureWorker();
		return this;
	}

	async merge(updates: Uint8Array[], options: MergeOptions = {}): Promise<Uint8Array> {
		const inline =
			options.background === true
				? updates.length <= this.#backgroundInlineMaxUpdates &&
					this.#small(updates, this.#backgroundInlineBelowBytes)
				: this.#small(updates, this.#inlineBelowBytes);
		if (inline) return inlineMerger.merge(updates, options);
		return (await this.#run('merge', updates, undefined, options.part === true)).merged;
	}

	async diff(updates: Uint8Array[], stateVector: Uint8Array): Promise<{ merged: Uint8Array; diff: Uint8Array }> {
		if (this.#small(updates, this.#inlineBelowBytes)) return inlineMerger.diff(updates, stateVector);
		const result = await this.#run('diff', updates, stateVector);
		if (result.diff === undefined) throw new Error('merge worker sent no diff');
		return { merged: result.merged, diff: result.diff };
	}

	async inspect(updates: Uint8Array[]): Promise<Inspected> {
		if (this.#small(updates, this.#inlineBelowBytes)) return inlineMerger.inspect(updates);
		const result = await this.#run('inspect', updates);
		if (result.stateVector === undefined || result.highest === undefined) {
			throw new Error('merge worker sent no state vector');
		}
		return {
			merged: result.merged,
			stateVector: Y.decodeStateVector(result.stateVector),
			highest: new Map(result.highest)
		};
	}

	async close(): Promise<void> {
		this.#closed = true;
		const worker = this.#worker;
		this.#worker = null;
		this.#failAll(new Error('merger closed'));
		if (worker !== null) await worker.terminate();
	}

	#small(updates: Uint8Array[], below: number): boolean {
		let bytes = 0;
		for (const update of updates) bytes += update.byteLength;
		return bytes < below;
	}

	#run(op: string, updates: Uint8Array[], stateVector?: Uint8Array, part = false): Promise<NonNullable<WorkerReply['result']>> {
		if (this.#closed) return Promise.reject(new Error('merger closed'));
		const worker = this.#ensureWorker();
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				// A stuck job (a pathological update?) must not hold every later one hostage.
				this.#replaceWorker(new Error(`merge worker job "${op}" timed out`));
			}, this.#jobTimeoutMs);
			timer.unref();
			this.#pending.set(id, { resolve, reject, timer });
			// Busy, the worker keeps the process alive: a shutdown waits for its answer.
			worker.ref();
			// Copied, not transferred: the caller keeps its parts until the result is in.
			worker.postMessage({ id, op, updates, stateVector, part });
		});
	}

	#ensureWorker(): Worker {
		if (this.#worker !== null) return this.#worker;
		const worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: { yjs: createRequire(import.meta.url).resolve('yjs') }
		});
		// An idle worker is no reason to keep the process alive.
		worker.unref();
		worker.on('message', (reply: WorkerReply) => {
			const pending = this.#pending.get(reply.id);
			if (pending === undefined) return;
			this.#pending.delete(reply.id);
			clearTimeout(pending.timer);
			if (this.#pending.size === 0) worker.unref();
			if (reply.result !== undefined) {
				remembered(reply.result.merged, reply.result.summary);
				pending.resolve(reply.result);
			}
			else pending.reject(new Error(reply.error ?? 'merge worker failed'));
		});
		worker.on('error', (error) => this.#replaceWorker(error));
		worker.on('exit', () => {
			if (this.#worker === worker) this.#replaceWorker(new Error('merge worker exited'));
		});
		this.#worker = worker;
		return worker;
	}

	/** Fails every job of the current worker and drops it; the next job starts a new one. */
	#replaceWorker(error: Error): void {
		const worker = this.#worker;
		this.#worker = null;
		this.#failAll(error);
		if (worker !== null) void worker.terminate();
	}

	#failAll(error: Error): void {
		for (const pending of this.#pending.values()) {
			clearTimeout(pending.timer);
			pending.reject(error);
		}
		this.#pending.clear();
	}
}
