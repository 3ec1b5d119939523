// Awareness (who is here, cursors) without a Y.Doc: the relay forwards awareness frames
// and keeps only the latest entry per client id, so that a newcomer can be told who is
// present and the others can be told when a connection goes away.
//
// Anyone in a room could otherwise speak for anyone: overwrite another client's entry
// (the victim's own client then takes the forged state as its own), or announce
// thousands of ghost clients that every device must hold. So a client id belongs to the
// connection that first announced it until that connection closes, one connection speaks
// for a few ids, a room holds a bounded number of them, and states are small.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** The state as JSON text; "null" means the client left. */
	state: string;
}

/** An entry as read from the wire: its state still as bytes, decoded only if needed. */
export interface ReceivedEntry {
	clientId: number;
	clock: number;
	state: Uint8Array;
}

export const REMOVED_STATE = 'null';

export interface PresenceLimits {
	/** Client ids one connection may speak for: the stock client announces one per document. */
	idsPerConnection: number;
	/** Client ids a room holds at once, over all its connections. */
	clientsPerRoom: number;
	/**
	 * Entries one awareness message may carry; beyond, the socket is closed. A stock client
	 * echoes every entry it receives, and a newcomer receives every client present, so this
	 * must stay above `clientsPerRoom`.
	 */
	entriesPerMessage: number;
	/** Bytes of one state's JSON text; a larger entry is dropped. */
	stateBytes: number;
}

export const DEFAULT_PRESENCE_LIMITS: PresenceLimits = {
	idsPerConnection: 4,
	clientsPerRoom: 256,
	entriesPerMessage: 512,
	stateBytes: 4096
};

/** Why an entry was dropped instead of recorded and forwarded. */
export type DropReason = 'not-owner' | 'too-many-ids' | 'room-full' | 'state-too-large';

/** An awareness message with more entries than any client may send: the socket is closed. */
export class TooManyEntriesError extends Error {
	constructor(readonly count: number) {
		super(`awareness message with ${count} entries`);
		this.name = 'TooManyEntriesError';
	}
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads an awareness update (varUint count, then per entry varUint clientID, varUint
 * clock, varString JSON). States are left as bytes: most entries are echoes that need no
 * decoding, and an oversized state is dropped unread. Throws on a truncated update, and
 * with TooManyEntriesError before reading any entry if the count is above `maxEntries`.
 */
export function readAwarenessUpdate(update: Uint8Array, maxEntries: number): ReceivedEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	if (count > maxEntries) throw new TooManyEntriesError(count);
	const entries: ReceivedEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarUint8Array(decoder);
		entries.push({ clientId, clock, state });
	}
	return entries;
}

/**
 * The state's JSON text, normalised to "null" for a removal. Throws on text that is not
 * JSON: the stock client parses every state it receives and would throw on garbage, so
 * garbage is stopped here.
 */
function stateText(bytes: Uint8Array): string {
	const text = utf8.decode(bytes);
	return JSON.parse(text) === null ? REMOVED_STATE : text;
}

/** Whether the state bytes are exactly "null", the removal stock clients write. */
function isNull(bytes: Uint8Array): boolean {
	return bytes.byteLength === 4 && bytes[0] === 0x6e && bytes[1] === 0x75 && bytes[2] === 0x6c && bytes[3] === 0x6c;
}

export function encodeAwarenessUpdate(entries: Iterable<AwarenessEntry>): Uint8Array {
	const list = [...entries];
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, list.length);
	for (const entry of list) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}

export interface ApplyResult {
	/** Entries recorded, to forward to every connection of the room. */
	news: AwarenessEntry[];
	/** Entries refused, by reason. */
	dropped: Map<DropReason, number>;
	/**
	 * Removals to send back to the sender alone: it announced a client that left at a
	 * later clock. A stock client told that it left bumps its clock and announces itself
	 * again, which is how a client that reconnects becomes visible at once instead of at
	 * its next renewal.
	 */
	reminders: AwarenessEntry[];
}

/**
 * The latest awareness entry of each client id seen in one room, and which connection
 * owns each id. A connection is represented by its set of owned ids (it lives on the
 * connection, and is emptied by `release`). Removed clients stay as tombstones (state
 * "null") so that a late echo of an older state cannot bring them back; the tombstones
 * of released ids are bounded, the oldest forgotten first.
 */
export class AwarenessTable {
	readonly #entries = new Map<number, AwarenessEntry>();
	readonly #owners = new Map<number, Set<number>>();
	/** Ids whose owner has gone, oldest first: their entries are tombstones. */
	readonly #released = new Set<number>();
	#present = 0;

	constructor(readonly limits: PresenceLimits = DEFAULT_PRESENCE_LIMITS) {}

	/**
	 * Records entries received from the connection that owns the ids in `owned`, and
	 * returns those that were news, with the precedence rule of y-protocols: a higher
	 * clock wins, and a removal at the same clock wins over a state. Stock clients echo
	 * every awareness change they receive; echoes are not news, so they are neither
	 * forwarded nor counted as drops, and they never make a connection an owner. Throws on
	 * a state that is not JSON (entries before it are recorded).
	 */
	apply(entries: readonly ReceivedEntry[], owned: Set<number>): ApplyResult {
		const result: ApplyResult = { news: [], dropped: new Map(), reminders: [] };
		const drop = (reason: DropReason): void => void result.dropped.set(reason, (result.dropped.get(reason) ?? 0) + 1);
		for (const entry of entries) {
			const current = this.#entries.get(entry.clientId);
			const currentClock = current?.clock ?? 0;
			const present = current !== undefined && current.state !== REMOVED_STATE;
			const owner = this.#owners.get(entry.clientId);
			const others = owner !== undefined && owner !== owned;
			if (entry.clock < currentClock) {
				if (!others && current !== undefined && !present && !isNull(entry.state)) result.reminders.push(current);
				continue;
			}
			// At an equal clock only a removal of a present client is news; telling it needs the text.
			const oversized = entry.state.byteLength > this.limits.stateBytes;
			const text = oversized ? null : stateText(entry.state);
			const removal = text === REMOVED_STATE;
			const news = currentClock < entry.clock || (removal && present);
			if (!news) {
				if (!others && current !== undefined && !present && !removal) result.reminders.push(current);
				continue;
			}
			if (others) {
				drop('not-owner');
				continue;
			}
			if (owner === undefined) {
				// Nothing to remove, and a removal must not make anyone an owner.
				if (removal) continue;
				if (owned.size >= this.limits.idsPerConnection) {
					drop('too-many-ids');
					continue;
				}
				if (this.#owners.size >= this.limits.clientsPerRoom) {
					drop('room-full');
					continue;
				}
			}
			if (text === null) {
				drop('state-too-large');
				continue;
			}
			if (owner === undefined) {
				this.#owners.set(entry.clientId, owned);
				owned.add(entry.clientId);
				this.#released.delete(entry.clientId);
			}
			const recorded = { clientId: entry.clientId, clock: entry.clock, state: text };
			this.#entries.set(entry.clientId, recorded);
			this.#present += (removal ? 0 : 1) - (present ? 1 : 0);
			result.news.push(recorded);
		}
		return result;
	}

	/**
	 * The connection owning `owned` has gone: its ids are free again, and those present are
	 * marked as gone. Returns the removal entries (clock + 1, state "null") to broadcast,
	 * so that the other clients drop them at once instead of waiting for their 30 s
	 * timeout.
	 */
	release(owned: Set<number>): AwarenessEntry[] {
		const removals: AwarenessEntry[] = [];
		for (const clientId of owned) {
			if (this.#owners.get(clientId) !== owned) continue;
			this.#owners.delete(clientId);
			const current = this.#entries.get(clientId);
			if (current === undefined) continue;
			this.#released.add(clientId);
			if (current.state === REMOVED_STATE) continue;
			const removal = { clientId, clock: current.clock + 1, state: REMOVED_STATE };
			this.#entries.set(clientId, removal);
			this.#present -= 1;
			removals.push(removal);
		}
		owned.clear();
		for (const clientId of this.#released) {
			if (this.#released.size <= this.limits.clientsPerRoom) break;
			this.#released.delete(clientId);
			this.#entries.delete(clientId);
		}
		return removals;
	}

	/** The entries of the clients present (tombstones left out). */
	entries(): AwarenessEntry[] {
		return [...this.#entries.values()].filter((entry) => entry.state !== REMOVED_STATE);
	}

	/** Number of clients present. */
	get size(): number {
		return this.#present;
	}

	/** Number of entries held, tombstones included: bounded by the limits. */
	get held(): number {
		return this.#entries.size;
	}
}
