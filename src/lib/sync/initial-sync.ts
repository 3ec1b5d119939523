/**
 * A large space arrives at a new device in pieces: the relay answers a sync
 * step 1 with sync updates, then a step 2, so that a slow link keeps hearing
 * from it. The relay orders the pieces so that each one applies alone to a
 * document holding the ones before: they are applied as they arrive, and the
 * space fills in while the rest is on its way.
 *
 * A relay that cuts its answer in another order (an older one) sends pieces
 * holding changes that build on changes of another writer found in a later
 * piece: Yjs keeps those pending and merges every following piece into them,
 * re-encoding what is pending each time (for a space two years old, tens of
 * megabytes per piece: minutes on a slow phone). So once a piece leaves
 * something pending, the rest of the answer is kept until its step 2 and
 * applied as one update. Once synced, messages are handled by the stock
 * client as before.
 */
import { MESSAGE_SYNC, SYNC_STEP2, SYNC_UPDATE } from '$wire';
import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export function applyFirstAnswerAtOnce(provider: WebsocketProvider): void {
	const stock = provider.messageHandlers[MESSAGE_SYNC];
	if (!stock) return;
	/** Null while pieces apply as they come; the pieces kept once one left something pending. */
	let held: Uint8Array[] | null = null;
	provider.on('connection-close', () => {
		// A new connection asks again from what the document holds.
		held = null;
	});
	const apply = (update: Uint8Array): void => {
		try {
			applyAsReceived(provider.doc, update, provider);
		} catch (error) {
			// As the stock client does with an update it cannot apply: say so, and stay connected.
			console.error('Caught error while handling a Yjs update', error);
		}
	};
	provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, _provider, emitSynced, messageType) => {
		if (provider.synced) return stock(encoder, decoder, provider, emitSynced, messageType);
		const start = decoder.pos;
		const kind = decoding.readVarUint(decoder);
		if (kind === SYNC_UPDATE) {
			const piece = decoding.readVarUint8Array(decoder);
			if (held !== null) {
				held.push(piece);
				return;
			}
			apply(piece);
			if (provider.doc.store.pendingStructs !== null) held = [];
			return;
		}
		if (kind === SYNC_STEP2) {
			const last = decoding.readVarUint8Array(decoder);
			const pieces = held !== null && held.length > 0 ? [...held, last] : null;
			held = null;
			apply(pieces ? Y.mergeUpdates(pieces) : last);
			if (emitSynced) provider.synced = true;
			return;
		}
		held = null;
		decoder.pos = start;
		return stock(encoder, decoder, provider, emitSynced, messageType);
	};
}

type Listener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction | null) => void;

/**
 * Applies a piece of the first answer and hands the document's `update` listeners
 * (the device's copy, other tabs, the report worker) the piece as received. Yjs
 * would otherwise encode every applied piece again for them: for a space two years
 * old, seconds of a slow phone's join spent writing out what just came in. The
 * relay's answer leaves out what the space has deleted (it folds a room's document
 * before answering when deletions weigh), so the piece holds what the encoding would.
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
