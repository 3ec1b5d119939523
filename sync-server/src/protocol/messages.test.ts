import * as encoding from 'lib0/encoding';
import { describe, expect, test } from 'vitest';
import {
	decodeClientMessage,
	encodeAwarenessMessage,
	encodeStoredMessage,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeSyncUpdate,
	ProtocolError
} from './messages.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('decodeClientMessage', () => {
	test('reads the three sync messages and both awareness messages', () => {
		expect(decodeClientMessage(encodeSyncStep1(bytes(1, 2)))).toEqual({ kind: 'sync-step1', stateVector: bytes(1, 2) });
		expect(decodeClientMessage(encodeSyncStep2(bytes(0, 0)))).toEqual({ kind: 'sync-step2', update: bytes(0, 0) });
		expect(decodeClientMessage(encodeSyncUpdate(bytes(9)))).toEqual({ kind: 'sync-update', update: bytes(9) });
		expect(decodeClientMessage(encodeAwarenessMessage(bytes(0)))).toEqual({ kind: 'awareness', update: bytes(0) });
		expect(decodeClientMessage(bytes(3))).toEqual({ kind: 'query-awareness' });
	});

	test.each([
		['empty frame', bytes()],
		['sync without sub-type', bytes(0)],
		['unknown sync sub-type', bytes(0, 7, 0)],
		['payload shorter than its length', bytes(0, 2, 10, 1, 2)],
		['unknown message type', bytes(8, 0)],
		['auth message (never sent by clients)', bytes(2, 0)],
		['varint running off the end', bytes(0xff, 0xff)]
	])('throws ProtocolError for %s', (_name, frame) => {
		expect(() => decodeClientMessage(frame)).toThrow(ProtocolError);
	});
});

test('the stored message is type 8 followed by the state vector as a byte array', () => {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 8);
	encoding.writeVarUint8Array(encoder, bytes(1, 5, 3));
	expect(encodeStoredMessage(bytes(1, 5, 3))).toEqual(encoding.toUint8Array(encoder));
});
