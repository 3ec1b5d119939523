/// <reference lib="webworker" />
/**
 * The worker that runs whole-document derivations (derivations.ts) off the
 * page's thread. It reads the space from the device's own copy in IndexedDB,
 * so the page never encodes the whole document to hand it over; the page then
 * sends what that copy lacks and every change made since.
 */
import * as Y from 'yjs';
import { applyStored, derive, DerivationCancelled } from './derivations';
import type { FromWorker, ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const doc = new Y.Doc();
const cancelled = new Set<number>();
/** Messages are taken in order: a run waits until the document has loaded and the updates sent before it are applied. */
let queue: Promise<void> = Promise.resolve();

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/** Lets the messages waiting (a cancellation, a change of the document) in between two steps. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

self.onmessage = (event: MessageEvent<ToWorker>) => {
	const message = event.data;
	// A cancellation must be heard while a run is under way, not after it.
	if (message.type === 'cancel') {
		cancelled.add(message.id);
		return;
	}
	queue = queue.then(() => handle(message)).catch(() => {});
};

async function handle(message: ToWorker): Promise<void> {
	switch (message.type) {
		case 'open': {
			applyStored(doc, await storedUpdates(message.database));
			const stateVector = Y.encodeStateVector(doc);
			post({ type: 'opened', stateVector }, [stateVector.buffer as ArrayBuffer]);
			return;
		}
		case 'update':
			Y.applyUpdate(doc, message.update);
			return;
		case 'run': {
			const { id, request } = message;
			if (cancelled.delete(id)) return post({ type: 'cancelled', id });
			try {
				const result = await derive(doc, request, {
					progress: (progress) => post({ type: 'progress', id, progress }),
					cancelled: () => cancelled.has(id),
					pause
				});
				if (result.kind === 'ledger-export') {
					const file = new TextEncoder().encode(result.text);
					post({ type: 'done', id, result: { kind: 'ledger-export', file, entries: result.entries } }, [file.buffer]);
				} else post({ type: 'done', id, result });
			} catch (error) {
				if (error instanceof DerivationCancelled) post({ type: 'cancelled', id });
				else post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
			} finally {
				cancelled.delete(id);
			}
			return;
		}
	}
}

/**
 * The updates the device keeps for the space (y-indexeddb's store), read
 * without writing: the page's own persistence owns that database. A database
 * that does not exist is not created here (that would leave it without its
 * stores); the page then sends the whole document instead.
 */
function storedUpdates(database: string): Promise<Uint8Array[]> {
	return new Promise((resolve) => {
		const opening = indexedDB.open(database);
		opening.onupgradeneeded = () => opening.transaction?.abort();
		opening.onerror = () => resolve([]);
		opening.onblocked = () => resolve([]);
		opening.onsuccess = () => {
			const db = opening.result;
			if (!db.objectStoreNames.contains('updates')) {
				db.close();
				return resolve([]);
			}
			const reading = db.transaction('updates', 'readonly').objectStore('updates').getAll();
			reading.onsuccess = () => {
				db.close();
				resolve((reading.result as unknown[]).filter((u): u is Uint8Array => u instanceof Uint8Array));
			};
			reading.onerror = () => {
				db.close();
				resolve([]);
			};
		};
	});
}
