import * as encoding from 'lib0/encoding';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { randomRoomId, randomToken, startTestRelay } from './helpers.js';

/** A raw client that records the awareness messages (type 1) it receives. */
async function rawClient(url: string): Promise<{ socket: WebSocket; awareness: Uint8Array[] }> {
	const socket = new WebSocket(url);
	const awareness: Uint8Array[] = [];
	socket.on('error', () => {});
	socket.on('message', (data: Buffer) => {
		if (data[0] === 1) awareness.push(new Uint8Array(data));
	});
	await new Promise((resolve) => socket.once('open', resolve));
	return { socket, awareness };
}

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, clientId);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, JSON.stringify(state));
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, 1);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

test('awareness news goes to everyone, the sender included; stale echoes go nowhere', async () => {
	const relay = await startTestRelay();
	const url = `${relay.syncUrl}/${randomRoomId()}?token=${randomToken()}`;
	const alice = await rawClient(url);
	const bob = await rawClient(url);
	await settle();

	const renewal = awarenessFrame(11, 1, { user: 'Alice' });
	alice.socket.send(renewal);
	await settle();
	// The sender hears its own renewal: for a stock client alone in a room, that is the
	// relay's sign of life.
	expect(alice.awareness).toEqual([renewal]);
	expect(bob.awareness).toEqual([renewal]);

	// Bob's client echoes what it received, as stock clients do: nobody gets it again.
	bob.socket.send(renewal);
	await settle();
	expect(alice.awareness).toHaveLength(1);
	expect(bob.awareness).toHaveLength(1);

	// Bob echoing did not make his socket speak for Alice: when it closes, Alice stays.
	bob.socket.close();
	await settle();
	expect(alice.awareness).toHaveLength(1);
	alice.socket.close();
});
