import * as encoding from 'lib0/encoding';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { bytes, generator } from '../../src/lib/testing/random.js';
import {
	health,
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

/** Opens a raw socket, sends one frame once the relay spoke, and reports the close code. */
function sendAndAwaitClose(url: string, frame: Uint8Array | string): Promise<{ code: number; reason: string }> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(url);
		socket.on('error', () => {});
		socket.once('message', () => socket.send(frame));
		socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
		setTimeout(() => reject(new Error('the relay did not close the socket')), 5_000);
	});
}

function envelope(...parts: Array<number | Uint8Array>): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const part of parts) {
		if (typeof part === 'number') encoding.writeVarUint(encoder, part);
		else encoding.writeVarUint8Array(encoder, part);
	}
	return encoding.toUint8Array(encoder);
}

test('bad frames close only their own socket; the room and its data are untouched', async () => {
	const relay = await startTestRelay({ maxPayloadBytes: 64 * 1024 });
	const room = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, room, token);
	await waitForSynced(alice);
	alice.doc.getMap('resources').set('hall', { kind: 'space', capacity: 80 });
	const url = `${relay.syncUrl}/${room}?token=${token}`;

	// A sync update whose declared length runs past the end of the frame.
	const overlong = new Uint8Array([0, 2, 40, ...new Uint8Array(38).fill(0xab)]);
	const cases: Array<[string, Uint8Array | string, number]> = [
		// 0xff first: the message type is a large number, whatever follows.
		['random bytes', bytes(generator(64), 64).fill(0xff, 0, 1), 1003],
		['length past the end', overlong, 1003],
		['truncated frame', envelope(0, 2, Y.encodeStateAsUpdate(alice.doc)).slice(0, 12), 1003],
		['empty frame', new Uint8Array(0), 1003],
		['unknown message type', envelope(42), 1003],
		['text frame', 'hello', 1003],
		['invalid update in a valid envelope', envelope(0, 2, new Uint8Array([5, 255, 255, 255, 255, 15, 0, 0])), 1008],
		['invalid step 2 in a valid envelope', envelope(0, 1, new Uint8Array([1, 2, 3, 4, 5])), 1008],
		['noise as an update', envelope(0, 2, new Uint8Array(5).fill(0xab)), 1008],
		['invalid state vector', envelope(0, 0, new Uint8Array([3, 1])), 1008],
		['awareness that is not JSON', envelope(1, envelope(1, 7, 1, new Uint8Array([123, 123]))), 1003],
		['frame above maxPayload', envelope(0, 2, new Uint8Array(100 * 1024)), 1009]
	];
	for (const [name, frame, code] of cases) {
		const closed = await sendAndAwaitClose(url, frame);
		expect(closed.code, name).toBe(code);
	}

	expect((await fetch(`${relay.httpUrl}/healthz`)).status).toBe(200);
	const metrics = await fetch(`${relay.httpUrl}/metrics`).then((r) => r.text());
	expect(metrics).toMatch(/^relay_updates_persisted_total 1$/m);

	// The room still works for everyone else, with its data intact.
	const bob = makeClient(relay.syncUrl, room, token);
	await waitForSynced(bob);
	expect(bob.doc.getMap('resources').get('hall')).toEqual({ kind: 'space', capacity: 80 });
	alice.doc.getMap('resources').set('van', { kind: 'vehicle', capacity: 3 });
	await waitFor(() => bob.doc.getMap('resources').has('van'), 'bob to see the van');
	expect((await health(relay)).connections).toBe(2);
});
