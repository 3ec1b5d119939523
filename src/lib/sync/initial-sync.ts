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
import { applyAsReceived } from './apply-as-received';

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
