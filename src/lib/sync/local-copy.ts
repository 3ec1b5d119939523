/**
 * Loading the device's copy of a space a piece at a time. y-indexeddb applies
 * everything it holds in one go: for a space a few years old that is seconds
 * during which a slow phone draws nothing and answers no touch, even with the
 * first screen kept from the last visit already on it. Here the stored rows
 * are read first and applied in pieces of about LOAD_PIECE_BYTES, with the page
 * running in between; y-indexeddb is then told they are loaded, and only reads
 * what another tab writes after them.
 *
 * A row too large to be a piece (y-indexeddb's compaction writes the whole
 * space as one) is cut with the relay's own splitter, each piece applying to a
 * document holding the ones before; the copy is then written back as those
 * pieces in one transaction, so the next opening need not cut it again.
 */
import * as idb from 'lib0/indexeddb';
import type { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { splitUpdateInSlices, UnsplittableUpdateError } from '../../../sync-server/src/protocol/split-update.js';

/** About a tenth of a second of work each on a phone four times slower than a laptop. */
export const LOAD_PIECE_BYTES = 256 * 1024;
/** A smaller copy loads in one go, as y-indexeddb does it: pieces would only add work. */
export const PIECES_FROM_BYTES = 1024 * 1024;

export interface StoredCopy {
	rows: Uint8Array[];
	/** The key of the last row read: y-indexeddb reads only what comes after. */
	lastKey: number;
	bytes: number;
}

/** Opens the database as y-indexeddb does, so whichever opens it first makes the same stores. */
function open(name: string): Promise<IDBDatabase> {
	return idb.openDB(name, (db) =>
		idb.createStores(db, [['updates', { autoIncrement: true }], ['custom']])
	);
}

/** Every row of the stored copy named `name`, oldest first. */
export async function readStoredCopy(name: string): Promise<StoredCopy> {
	const db = await open(name);
	try {
		const store = db.transaction('updates', 'readonly').objectStore('updates');
		const pairs = await idb.getAllKeysValues(store);
		const rows: Uint8Array[] = [];
		let lastKey = 0;
		let bytes = 0;
		for (const { k, v } of pairs) {
			if (!(v instanceof Uint8Array) || typeof k !== 'number') continue;
			rows.push(v);
			lastKey = Math.max(lastKey, k);
			bytes += v.length;
		}
		return { rows, lastKey, bytes };
	} finally {
		db.close();
	}
}

/** Yields to the page: input, drawing and timers run before the next piece. */
function nextTask(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (typeof scheduler?.yield === 'function') return scheduler.yield();
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The rows as pieces of about `pieceBytes`: small rows grouped, large ones cut. */
export async function piecesOf(rows: readonly Uint8Array[], pieceBytes = LOAD_PIECE_BYTES): Promise<{ pieces: Uint8Array[][]; cut: boolean }> {
	const pieces: Uint8Array[][] = [];
	let group: Uint8Array[] = [];
	let groupBytes = 0;
	let cut = false;
	const close = () => {
		if (group.length > 0) pieces.push(group);
		group = [];
		groupBytes = 0;
	};
	for (const row of rows) {
		if (row.length > pieceBytes * 2) {
			close();
			let parts: Uint8Array[];
			try {
				parts = await splitUpdateInSlices(row, pieceBytes, 10, nextTask);
				cut = parts.length > 1;
			} catch (error) {
				if (!(error instanceof UnsplittableUpdateError)) throw error;
				parts = [row];
			}
			for (const part of parts) pieces.push([part]);
			continue;
		}
		if (groupBytes + row.length > pieceBytes) close();
		group.push(row);
		groupBytes += row.length;
	}
	close();
	return { pieces, cut };
}

/**
 * Loads the stored copy into `doc` piece by piece, behind `persistence`'s own
 * loading; resolves once everything is in. Transactions carry `persistence` as
 * their origin, as y-indexeddb's own loading does, so nothing is stored again.
 */
export async function loadInPieces(doc: Y.Doc, persistence: IndexeddbPersistence, stored: StoredCopy): Promise<void> {
	const { pieces, cut } = await piecesOf(stored.rows);
	for (const piece of pieces) {
		if (doc.isDestroyed || persistence._destroyed) return;
		Y.transact(doc, () => {
			for (const update of piece) Y.applyUpdate(doc, update, persistence);
		}, persistence, false);
		await nextTask();
	}
	if (cut && !persistence._destroyed) await rewriteAsPieces(persistence.name, pieces.flat(), stored.lastKey, persistence);
}

/**
 * Replaces the rows up to `lastKey` with `pieces`, in one transaction: a failure
 * leaves the copy as it was. Rows written after `lastKey` (by this tab or
 * another) stay after the pieces.
 */
async function rewriteAsPieces(name: string, pieces: readonly Uint8Array[], lastKey: number, persistence: IndexeddbPersistence): Promise<void> {
	let db: IDBDatabase;
	try {
		db = await open(name);
	} catch {
		return;
	}
	try {
		await new Promise<void>((resolve, reject) => {
			const transaction = db.transaction('updates', 'readwrite');
			const store = transaction.objectStore('updates');
			store.delete(IDBKeyRange.upperBound(lastKey));
			let last = lastKey;
			for (const piece of pieces) {
				const request = store.add(piece);
				request.onsuccess = () => {
					if (typeof request.result === 'number') last = Math.max(last, request.result);
				};
			}
			transaction.oncomplete = () => {
				// y-indexeddb's own compaction keeps what comes from here on; the pieces are behind it.
				if (persistence._dbref <= last) persistence._dbref = last + 1;
				resolve();
			};
			transaction.onerror = () => reject(transaction.error);
			transaction.onabort = () => reject(transaction.error);
		});
	} catch {
		// The copy stays one row: the next opening cuts it again.
	} finally {
		db.close();
	}
}
