// The y-websocket wire format, as pure functions over bytes. No sockets here, so the
// relay's parsing can be tested alone and a malformed frame is just a thrown error.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_STORED,
	MESSAGE_SYNC,
	SYNC_STEP1,
	SYNC_STEP2,
	SYNC_UPDATE
} from './wire.js';

export type ClientMessage =
	| { kind: 'sync-step1'; stateVector: Uint8Array }
	| { kind: 'sync-step2'; update: Uint8Array }
	| { kind: 'sync-update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array }
	| { kind: 'query-awareness' };

/** A frame the relay cannot read. The socket that sent it is closed; nobody else is touched. */
export class ProtocolError extends Error {
	override name = 'ProtocolError';
}

/**
 * Reads one client frame. Throws ProtocolError for anything that is not a well-formed
 * message of a type the stock client sends. The payloads are returned as views into the
 * frame: the caller validates their content (Yjs update, awareness entries).
 */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
	try {
		const decoder = decoding.createDecoder(frame);
		const type = decoding.readVarUint(decoder);
		switch (type) {
			case MESSAGE_SYNC: {
				const subType = decoding.readVarUint(decoder);
				const payload = decoding.readVarUint8Array(decoder);
				if (subType === SYNC_STEP1) return { kind: 'sync-step1', stateVector: payload };
				if (subType === SYNC_STEP2) return { kind: 'sync-step2', update: payload };
				if (subType === SYNC_UPDATE) return { kind: 'sync-update', update: payload };
				throw new ProtocolError(`unknown sync message type ${subType}`);
			}
			case MESSAGE_AWARENESS:
				return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
			case MESSAGE_QUERY_AWARENESS:
				return { kind: 'query-awareness' };
			default:
				throw new ProtocolError(`unknown message type ${type}`);
		}
	} catch (error) {
		if (error instanceof ProtocolError) throw error;
		// lib0 throws plain errors ("Unexpected end of array") on truncated input.
		throw new ProtocolError(`malformed frame: ${errorMessage(error)}`);
	}
}

function envelope(type: number, subType: number | null, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	if (subType !== null) encoding.writeVarUint(encoder, subType);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array =>
	envelope(MESSAGE_SYNC, SYNC_STEP1, stateVector);

export const encodeSyncStep2 = (update: Uint8Array): Uint8Array =>
	envelope(MESSAGE_SYNC, SYNC_STEP2, update);

export const encodeSyncUpdate = (update: Uint8Array): Uint8Array =>
	envelope(MESSAGE_SYNC, SYNC_UPDATE, update);

export const encodeAwarenessMessage = (awarenessUpdate: Uint8Array): Uint8Array =>
	envelope(MESSAGE_AWARENESS, null, awarenessUpdate);

export const encodeStoredMessage = (stateVector: Uint8Array): Uint8Array =>
	envelope(MESSAGE_STORED, null, stateVector);

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
