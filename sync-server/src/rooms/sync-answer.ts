// Sending a client what it lacks, in answer to its sync step 1. A large answer goes out
// as several sync updates and a final sync step 2 (the stock client counts itself synced
// on a step 2): each one arrives well within the client's 30 s silence timeout, even on a
// slow link. The pieces go out in an order where each applies alone (split-update.ts), and
// the event loop runs between them, so other rooms do not wait while a big room is sent.
import type { Connection } from './connection.js';
import { encodeSyncStep2, encodeSyncUpdate } from '../protocol/messages.js';
import { splitUpdateInSlices } from '../protocol/split-update.js';
import { SYNC_STEP2 } from '../protocol/wire.js';

/** The encoding of an update with nothing in it. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** An update as sync update frames of about `chunkBytes` each, in an order where each applies alone. */
export async function cutIntoFrames(update: Uint8Array, chunkBytes: number): Promise<Uint8Array[]> {
	let pieces = [update];
	try {
		if (update.byteLength > chunkBytes) pieces = await splitUpdateInSlices(update, chunkBytes);
	} catch {
		// Bytes the cutter does not read (they did decode when stored): sent whole, as one
		// message, which a client on a fast enough link takes all the same.
	}
	return pieces.map(encodeSyncUpdate);
}

/**
 * Sends an answer encoded as sync update frames (those of a new device's answer are
 * shared by every new device of the room): all but the last as they are, the last as the
 * step 2 that ends the answer.
 */
export async function sendAnswerFrames(connection: Connection, frames: readonly Uint8Array[]): Promise<void> {
	const last = frames.at(-1);
	if (last === undefined) {
		connection.send(encodeSyncStep2(EMPTY_UPDATE));
		return;
	}
	for (let i = 0; i < frames.length - 1; i++) {
		if (!connection.send(frames[i] as Uint8Array)) return;
		await new Promise((resolve) => setImmediate(resolve));
	}
	// A sync update frame and a step 2 frame of the same update differ only in the sub-type
	// (the second byte: the message type 0 and both sub-types take one byte each).
	const step2 = last.slice();
	step2[1] = SYNC_STEP2;
	connection.send(step2);
}
