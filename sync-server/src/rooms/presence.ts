// Who is present in a room: the awareness entries of its clients, as the relay checks,
// keeps and forwards them. Presence says what goes out and to whom; the room says when,
// since its queue and outbox keep every frame in the order of the messages behind it.
import type { Logger } from '../logger.js';
import type { RelayMetrics } from '../metrics.js';
import { AwarenessTable, encodeAwarenessUpdate, readAwarenessUpdate, TooManyEntriesError } from '../protocol/awareness.js';
import { encodeAwarenessMessage } from '../protocol/messages.js';
import { CLOSE_POLICY_VIOLATION, CLOSE_UNSUPPORTED_DATA } from '../protocol/wire.js';
import type { Connection } from './connection.js';

/** An awareness update with no entries: a sign of life that changes nothing. */
export const SIGN_OF_LIFE = encodeAwarenessMessage(encodeAwarenessUpdate([]));

/** What one awareness message of a client leads to. */
export type PresenceOutcome =
	| { refused: true; code: number; reason: string; error: unknown }
	| {
			refused: false;
			/** Frames for the sender alone, in this order. */
			toSender: Uint8Array[];
			/** A frame for every connection of the room, the sender included. */
			toAll: Uint8Array | null;
	  };

/** What presence reads of a connection: its id for the logs, and the client ids it speaks for. */
export type PresenceMember = Pick<Connection, 'id' | 'controlled'>;

export interface PresenceContext {
	metrics: RelayMetrics;
	logger: Logger;
}

export class Presence {
	readonly #table = new AwarenessTable();

	constructor(
		private readonly roomId: string,
		private readonly context: PresenceContext
	) {}

	/** For a connection that joins: who is present, or null when nobody is. */
	greeting(): Uint8Array | null {
		return this.#table.size > 0 ? this.everyone() : null;
	}

	/** Everyone present, nobody included: the answer to a query. */
	everyone(): Uint8Array {
		return encodeAwarenessMessage(encodeAwarenessUpdate(this.#table.entries()));
	}

	/**
	 * A connection is gone: its client ids are free again (a client that reconnects
	 * announces the same id). Returns the removals for the others, or null.
	 */
	release(connection: PresenceMember): Uint8Array | null {
		const removals = this.#table.release(connection.controlled);
		return removals.length > 0 ? encodeAwarenessMessage(encodeAwarenessUpdate(removals)) : null;
	}

	/** An awareness update from a connection that may write. */
	receive(connection: PresenceMember, update: Uint8Array): PresenceOutcome {
		let entries;
		let result;
		try {
			entries = readAwarenessUpdate(update, this.#table.limits.entriesPerMessage);
			result = this.#table.apply(entries, connection.controlled);
		} catch (error) {
			// No client sends more entries than a room holds: this one floods on purpose.
			if (error instanceof TooManyEntriesError) {
				return { refused: true, code: CLOSE_POLICY_VIOLATION, reason: 'too many awareness entries', error };
			}
			return { refused: true, code: CLOSE_UNSUPPORTED_DATA, reason: 'malformed awareness', error };
		}
		for (const [reason, count] of result.dropped) this.context.metrics.awarenessDropped.inc({ reason }, count);
		if (result.dropped.size > 0) {
			this.context.logger.debug(
				{ room: this.roomId, connection: connection.id, dropped: Object.fromEntries(result.dropped) },
				'awareness entries dropped'
			);
		}
		const toSender: Uint8Array[] = [];
		if (result.reminders.length > 0) toSender.push(encodeAwarenessMessage(encodeAwarenessUpdate(result.reminders)));
		const news = result.news;
		if (news.length === 0) {
			// Its renewals dropped, a stock client alone in the room would hear nothing
			// and reconnect every 30 s.
			if (result.dropped.size > 0) toSender.push(SIGN_OF_LIFE);
			return { refused: false, toSender, toAll: null };
		}
		// Forwarded as received unless part of it was stale. The sender gets it back
		// too, like from the reference server: a stock client alone in a room counts
		// its own awareness renewals as the relay's sign of life and would otherwise
		// reconnect every 30 s.
		const forwarded = news.length === entries.length ? update : encodeAwarenessUpdate(news);
		return { refused: false, toSender, toAll: encodeAwarenessMessage(forwarded) };
	}
}
