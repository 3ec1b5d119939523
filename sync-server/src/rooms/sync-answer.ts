// Sending a client what it lacks, in answer to its sync step 1. A large answer goes out
// as several sync updates and a final sync step 2 (the stock client counts itself synced
// on a step 2): each one arrives well within the client's 30 s silence timeout, even on a
// slow link. Pieces are cut one at a time and the event loop runs between them, so other
// rooms do not wait while a big room is cut up.
import type { Connection } from './connection.js';
import type { Logger } from '../logger.js';
import { encodeSyncStep2, encodeSyncUpdate, errorMessage } from '../protocol/messages.js';
import { splitUpdate } from '../protocol/split-update.js';

export async function sendSyncAnswer(
	connection: Connection,
	diff: Uint8Array,
	chunkBytes: number,
	log: { logger: Logger; roomId: string }
): Promise<void> {
	let previous: Uint8Array | null = null;
	try {
		for (const piece of splitUpdate(diff, chunkBytes)) {
			if (previous !== null) {
				if (!connection.send(encodeSyncUpdate(previous))) return;
				await new Promise((resolve) => setImmediate(resolve));
			}
			previous = piece;
		}
	} catch (error) {
		// The pieces sent are valid; the whole diff after them completes the document.
		log.logger.warn({ room: log.roomId, error: errorMessage(error) }, 'sync answer sent whole');
		previous = diff;
	}
	connection.send(encodeSyncStep2(previous ?? diff));
}
