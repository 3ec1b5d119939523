/**
 * A large space arrives at a new device in one go. The relay answers a sync
 * step 1 in pieces (sync updates, then a step 2) so that a slow link keeps
 * hearing from it. A piece may hold changes that build on changes of another
 * writer found in a later piece: Yjs keeps such changes pending and merges
 * every following piece into them, re-encoding what is pending each time. For
 * a space two years old that is tens of megabytes per piece, minutes on a
 * slow phone before the first screen. Here the pieces of the first answer are
 * kept until its step 2 and applied as one update; once synced, messages are
 * handled by the stock client as before.
 */
import { MESSAGE_SYNC, SYNC_STEP2, SYNC_UPDATE } from '$wire';
import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export function applyFirstAnswerAtOnce(provider: WebsocketProvider): void {
	const stock = provider.messageHandlers[MESSAGE_SYNC];
	if (!stock) return;
	let held: Uint8Array[] = [];
	provider.on('connection-close', () => {
		// A new connection asks again from what the document holds.
		held = [];
	});
	provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, _provider, emitSynced, messageType) => {
		if (provider.synced) return stock(encoder, decoder, provider, emitSynced, messageType);
		const start = decoder.pos;
		const kind = decoding.readVarUint(decoder);
		if (kind === SYNC_UPDATE) {
			held.push(decoding.readVarUint8Array(decoder));
			return;
		}
		if (kind === SYNC_STEP2 && held.length > 0) {
			const pieces = [...held, decoding.readVarUint8Array(decoder)];
			held = [];
			try {
				Y.applyUpdate(provider.doc, Y.mergeUpdates(pieces), provider);
			} catch (error) {
				// As the stock client does with an update it cannot apply: say so, and stay connected.
				console.error('Caught error while handling a Yjs update', error);
			}
			if (emitSynced) provider.synced = true;
			return;
		}
		decoder.pos = start;
		return stock(encoder, decoder, provider, emitSynced, messageType);
	};
}
