// Awareness (who is here, cursors) without a Y.Doc: the relay forwards awareness frames
// as they came and keeps only the latest entry per client id, so that a newcomer can be
// told who is present and the others can be told when a connection goes away.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** The state as JSON text, exactly as received; "null" means the client left. */
	state: string;
}

export const REMOVED_STATE = 'null';

/**
 * Decodes an awareness update (varUint count, then per entry varUint clientID, varUint
 * clock, varString JSON). Each state must be valid JSON: the stock client parses every
 * state it receives and would throw on garbage, so garbage is stopped here.
 */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		JSON.parse(state);
		entries.push({ clientId, clock, state });
	}
	return entries;
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

/**
 * The latest awareness entry of each client id seen in one room. Removed clients stay as
 * tombstones (state "null") so that a late echo of an older state cannot bring them back.
 */
export class AwarenessTable {
	readonly #entries = new Map<number, AwarenessEntry>();
	#present = 0;

	/**
	 * Records entries received from a connection and returns those that were news, with
	 * the precedence rule of y-protocols: a higher clock wins, and a removal at the same
	 * clock wins over a state. Stock clients echo every awareness change they receive;
	 * echoes are not news, so they are neither forwarded nor do they make the echoing
	 * connection the controller of someone else's client id.
	 */
	apply(entries: readonly AwarenessEntry[], controlled: Set<number>): AwarenessEntry[] {
		const news: AwarenessEntry[] = [];
		for (const entry of entries) {
			const removal = entry.state === REMOVED_STATE;
			const current = this.#entries.get(entry.clientId);
			const currentClock = current?.clock ?? 0;
			const present = current !== undefined && current.state !== REMOVED_STATE;
			if (removal) controlled.delete(entry.clientId);
			if (!(currentClock < entry.clock || (currentClock === entry.clock && removal && present))) continue;
			this.#entries.set(entry.clientId, entry);
			if (!removal) controlled.add(entry.clientId);
			this.#present += (removal ? 0 : 1) - (present ? 1 : 0);
			news.push(entry);
		}
		return news;
	}

	/**
	 * Marks the given client ids as gone and returns the removal entries (clock + 1, state
	 * "null") to broadcast, so that the other clients drop them at once instead of waiting
	 * for their 30 s timeout.
	 */
	remove(clientIds: Iterable<number>): AwarenessEntry[] {
		const removals: AwarenessEntry[] = [];
		for (const clientId of clientIds) {
			const current = this.#entries.get(clientId);
			if (current === undefined || current.state === REMOVED_STATE) continue;
			const removal = { clientId, clock: current.clock + 1, state: REMOVED_STATE };
			this.#entries.set(clientId, removal);
			this.#present -= 1;
			removals.push(removal);
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
}
