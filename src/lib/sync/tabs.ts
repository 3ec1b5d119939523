/**
 * Tabs of one browser holding the same space keep each other current, with no
 * relay, through a BroadcastChannel. The stock provider's channel sends the
 * whole document on every connection (seconds of encoding for a space two
 * years old); here a tab that opens says what it holds (its state vector) and
 * the others answer with only what it lacks, then every change goes out as it
 * is made.
 */
import * as Y from 'yjs';

type Message =
	| { type: 'hello'; vector: Uint8Array }
	| { type: 'vector'; vector: Uint8Array }
	| { type: 'update'; update: Uint8Array };

/** An update holding no change at all, as `Y.encodeStateAsUpdate` gives it: nothing to send. */
const EMPTY_UPDATE_LENGTH = 2;

function readMessage(data: unknown): Message | null {
	if (typeof data !== 'object' || data === null) return null;
	const { type, vector, update } = data as Record<string, unknown>;
	if ((type === 'hello' || type === 'vector') && vector instanceof Uint8Array) return { type, vector };
	if (type === 'update' && update instanceof Uint8Array) return { type, update };
	return null;
}

/** Links `doc` with the other tabs that hold the space `name`; returns the unlinker. */
export function linkTabs(doc: Y.Doc, name: string): () => void {
	if (typeof BroadcastChannel === 'undefined') return () => {};
	const channel = new BroadcastChannel(`passerelle:tabs:${name}`);
	const post = (message: Message) => channel.postMessage(message);
	const sendMissing = (vector: Uint8Array) => {
		const update = Y.encodeStateAsUpdate(doc, vector);
		if (update.length > EMPTY_UPDATE_LENGTH) post({ type: 'update', update });
	};
	channel.onmessage = (event: MessageEvent) => {
		const message = readMessage(event.data);
		if (!message || doc.isDestroyed) return;
		try {
			if (message.type === 'update') Y.applyUpdate(doc, message.update, channel);
			else {
				sendMissing(message.vector);
				// A tab that just opened also gets told what this one holds, to send back what it lacks.
				if (message.type === 'hello') post({ type: 'vector', vector: Y.encodeStateVector(doc) });
			}
		} catch {
			// A damaged message from another tab harms nothing here; the relay and storage stay the reference.
		}
	};
	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin !== channel) post({ type: 'update', update });
	};
	doc.on('update', onUpdate);
	post({ type: 'hello', vector: Y.encodeStateVector(doc) });
	return () => {
		doc.off('update', onUpdate);
		channel.close();
	};
}
