/**
 * The page's side of the derivation worker: one worker per open space, made
 * on the first request and kept while a page uses it (and a little after, so
 * that going from the ledger to the report does not load the space again).
 *
 * The worker reads the space from the device's copy in IndexedDB; the page
 * hands it only what that copy lacks, then each change as it happens, so the
 * page never encodes its whole document.
 */
import * as Y from 'yjs';
import type { DerivationProgress, DerivationRequest } from './derivations';
import type { FromWorker, ToWorker, WorkerResult } from './protocol';

export type { WorkerResult };

/** How long a worker nobody uses is kept: a page left and another opened soon after use the same. */
const IDLE_MS = 30_000;

export interface Running<T extends WorkerResult> {
	/** The result, or null when cancelled. */
	result: Promise<T | null>;
	cancel(): void;
}

interface Pending {
	progress: (progress: DerivationProgress) => void;
	settle: (result: WorkerResult | null) => void;
	fail: (error: Error) => void;
}

class DerivationWorker {
	readonly #worker: Worker;
	readonly #doc: Y.Doc;
	readonly #pending = new Map<number, Pending>();
	#nextId = 1;
	#users = 0;
	#idle: ReturnType<typeof setTimeout> | undefined;
	#failed: Error | null = null;
	/** Told when the worker has ended, so that the next request starts another. */
	readonly #onEnd: () => void;

	constructor(doc: Y.Doc, database: string, onEnd: () => void) {
		this.#doc = doc;
		this.#worker = new Worker(new URL('./derive.worker.ts', import.meta.url), { type: 'module' });
		this.#onEnd = onEnd;
		this.#worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
		this.#worker.onerror = (event) => {
			event.preventDefault();
			this.#end(new Error(event.message || 'worker failed'));
		};
		// Every change from now on goes to the worker: what it reads from the device covers the rest,
		// and an update applied twice changes nothing.
		doc.on('update', this.#forward);
		this.#send({ type: 'open', database });
	}

	readonly #forward = (update: Uint8Array): void => {
		this.#send({ type: 'update', update });
	};

	#send(message: ToWorker, transfer: Transferable[] = []): void {
		this.#worker.postMessage(message, transfer);
	}

	#receive(message: FromWorker): void {
		if (message.type === 'opened') {
			// What the device's copy lacked (a change not yet written there, or no copy at all).
			// Encoding it reads the whole document: only when the state vectors say something lacks.
			// (Deletions leave no trace there, but the device's copy has every one made before the
			// worker was asked for, and those made since were sent as they happened.)
			const stored = Y.decodeStateVector(message.stateVector);
			if (coversState(stored, Y.decodeStateVector(Y.encodeStateVector(this.#doc)))) return;
			const missing = Y.encodeStateAsUpdate(this.#doc, message.stateVector);
			this.#send({ type: 'update', update: missing }, [missing.buffer as ArrayBuffer]);
			return;
		}
		const pending = this.#pending.get(message.id);
		if (!pending) return;
		if (message.type === 'progress') return pending.progress(message.progress);
		this.#pending.delete(message.id);
		if (message.type === 'done') pending.settle(message.result);
		else if (message.type === 'cancelled') pending.settle(null);
		else pending.fail(new Error(message.message));
	}

	run<T extends WorkerResult>(request: DerivationRequest, progress: (progress: DerivationProgress) => void): Running<T> {
		const id = this.#nextId++;
		const result = new Promise<T | null>((resolve, reject) => {
			if (this.#failed) return reject(this.#failed);
			this.#pending.set(id, { progress, settle: (r) => resolve(r as T | null), fail: reject });
		});
		this.#send({ type: 'run', id, request });
		return {
			result,
			cancel: () => {
				const pending = this.#pending.get(id);
				if (!pending) return;
				this.#pending.delete(id);
				this.#send({ type: 'cancel', id });
				pending.settle(null);
			}
		};
	}

	use(): () => void {
		this.#users++;
		clearTimeout(this.#idle);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			if (--this.#users > 0) return;
			this.#idle = setTimeout(() => this.#end(null), IDLE_MS);
		};
	}

	#end(error: Error | null): void {
		clearTimeout(this.#idle);
		this.#failed = error ?? new Error('worker ended');
		this.#doc.off('update', this.#forward);
		this.#worker.terminate();
		for (const pending of this.#pending.values()) (error ? pending.fail(error) : pending.settle(null));
		this.#pending.clear();
		this.#onEnd();
	}
}

function coversState(have: Map<number, number>, wanted: Map<number, number>): boolean {
	for (const [client, clock] of wanted) if ((have.get(client) ?? 0) < clock) return false;
	return true;
}

const workers = new WeakMap<Y.Doc, DerivationWorker>();

/** True where the browser can run the derivations in a module worker. */
export function workersAvailable(): boolean {
	return typeof Worker !== 'undefined' && typeof indexedDB !== 'undefined';
}

/**
 * Runs `request` on the space's document in the worker. The caller keeps the
 * worker with `hold()` while its page is open, and cancels what it no longer
 * wants.
 */
export function deriveInWorker<T extends WorkerResult>(
	doc: Y.Doc,
	spaceId: string,
	request: DerivationRequest,
	progress: (progress: DerivationProgress) => void
): Running<T> {
	return workerFor(doc, spaceId).run<T>(request, progress);
}

/** Keeps the space's worker (starting it, so that it loads the space ahead of a request); returns the release. */
export function holdWorker(doc: Y.Doc, spaceId: string): () => void {
	return workerFor(doc, spaceId).use();
}

/**
 * Calls `then` once, `delayMs` after a change of the document, however many
 * follow in between: a burst of edits or a sync makes one report, not one a change.
 * Returns the unsubscriber.
 */
export function afterChanges(doc: Y.Doc, delayMs: number, then: () => void): () => void {
	let pending: ReturnType<typeof setTimeout> | undefined;
	const changed = (transaction: Y.Transaction) => {
		// A transaction that changed nothing (a reading) is no change.
		if (pending || (transaction.changed.size === 0 && transaction.deleteSet.clients.size === 0)) return;
		pending = setTimeout(() => {
			pending = undefined;
			then();
		}, delayMs);
	};
	doc.on('afterTransaction', changed);
	return () => {
		clearTimeout(pending);
		doc.off('afterTransaction', changed);
	};
}

function workerFor(doc: Y.Doc, spaceId: string): DerivationWorker {
	let worker = workers.get(doc);
	if (!worker) {
		// The database y-indexeddb keeps the space in (see sync/session.ts).
		worker = new DerivationWorker(doc, `passerelle:${spaceId}`, () => {
			if (workers.get(doc) === worker) workers.delete(doc);
		});
		workers.set(doc, worker);
	}
	return worker;
}
