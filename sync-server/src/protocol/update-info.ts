// What the relay needs to know about one encoded Yjs update, read without a Y.Doc: which
// clock ranges it carries per client, whether they have holes, and whether it deletes.
// Reading it fully is also how a malformed update is caught before it is stored, and an
// update nested too deep for the devices that would receive it (update-nesting.ts).
import * as Y from 'yjs';
import { UnsplittableUpdateError } from './update-reader.js';
import { checkUpdateNesting, MAX_NESTING, TooDeepError } from './update-nesting.js';
import { DeleteSet } from './delete-set.js';

export { TooDeepError };

export interface ClientRange {
	/** First clock carried for this client. */
	from: number;
	/** Clock just past the last struct carried for this client. */
	to: number;
	/** False when the update skips clocks between from and to (Skip structs). */
	contiguous: boolean;
}

export interface UpdateInfo {
	clients: Map<number, ClientRange>;
	hasDeletions: boolean;
	/** What it deletes. */
	deletions: DeleteSet;
}

/** An update that does not decode as Yjs update format v1. It is refused, never stored. */
export class InvalidUpdateError extends Error {
	override name = 'InvalidUpdateError';
}

/**
 * Throws TooDeepError for an update nested more than `maxNesting` levels, and
 * InvalidUpdateError for one that does not decode.
 */
export function inspectUpdate(update: Uint8Array, maxNesting: number = MAX_NESTING): UpdateInfo {
	try {
		// First, and without recursion: Y.decodeUpdate reads values recursively.
		checkUpdateNesting(update, maxNesting);
	} catch (error) {
		if (error instanceof UnsplittableUpdateError) throw new InvalidUpdateError(error.message);
		throw error;
	}
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch (error) {
		throw new InvalidUpdateError(error instanceof Error ? error.message : String(error));
	}
	const clients = new Map<number, ClientRange>();
	for (const struct of decoded.structs) {
		const { client, clock } = struct.id;
		const end = clock + struct.length;
		const isSkip = struct instanceof Y.Skip;
		const range = clients.get(client);
		if (range === undefined) {
			// An update never starts a client's run with a skip, but a crafted one might.
			clients.set(client, { from: clock, to: isSkip ? clock : end, contiguous: !isSkip });
			continue;
		}
		if (isSkip || clock !== range.to) range.contiguous = false;
		if (!isSkip) {
			range.from = Math.min(range.from, clock);
			range.to = Math.max(range.to, end);
		}
	}
	const deletions = new DeleteSet();
	for (const [client, items] of decoded.ds.clients) {
		for (const item of items) deletions.add(client, item.clock, item.clock + item.len);
	}
	return { clients, hasDeletions: !deletions.isEmpty, deletions };
}
