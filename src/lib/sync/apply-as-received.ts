/**
 * Applying an update whose bytes are already what a device's copy should keep, without
 * Yjs encoding it again for the document's `update` listeners.
 */
import * as Y from 'yjs';

type Listener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction | null) => void;

/**
 * Applies `piece` and hands the document's `update` listeners (the device's copy,
 * other tabs, the report worker, the relay provider) the piece as received. Yjs would
 * otherwise encode it again for them: for a space two years old, seconds of a slow
 * phone spent writing out what just came in. For pieces that are new to the document
 * and hold no content it has deleted: a relay's first answer (the relay folds a room
 * before answering when deletions weigh), a file of changes this device lacks.
 *
 * Should anything else change the document while the piece applies (a write made
 * from an observer), the listeners get what changed since before instead, encoded:
 * a write of this device is never left out of its copy.
 */
export function applyAsReceived(doc: Y.Doc, piece: Uint8Array, origin: unknown): void {
	const observers = (doc as unknown as { _observers: Map<string, Set<Listener>> })._observers;
	const listeners = observers.get('update');
	if (listeners === undefined || listeners.size === 0) {
		Y.applyUpdate(doc, piece, origin);
		return;
	}
	const before = Y.encodeStateVector(doc);
	let transactions = 0;
	const count = (): void => {
		transactions++;
	};
	observers.delete('update');
	doc.on('beforeTransaction', count);
	try {
		Y.applyUpdate(doc, piece, origin);
	} finally {
		doc.off('beforeTransaction', count);
		// A listener added while the piece applied joins the others.
		const added = observers.get('update');
		if (added !== undefined) for (const listener of added) listeners.add(listener);
		observers.set('update', listeners);
	}
	// A view into the socket's message would be stored with all of the message's bytes.
	const update = transactions > 1 ? Y.encodeStateAsUpdate(doc, before) : piece.byteLength === piece.buffer.byteLength ? piece : piece.slice();
	for (const listener of [...listeners]) listener(update, origin, doc, null);
}
