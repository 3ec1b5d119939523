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

/** The latest awareness entry of each client id present in one room. */
export class AwarenessTable {
	readonly #entries = new Map<number, AwarenessEntry>();

	/**
	 * Records entries received from a connection and updates the set of client ids that
	 * connection controls. Same precedence rule as y-protocols: a higher clock wins, and a
	 * removal at the same clock wins over a state. Only a newer entry makes a connection
	 * the controller: stock clients echo every awareness change they receive, and an echo
	 * must not make a bystander's socket speak for someone else.
	 */
	apply(entries: readonly AwarenessEntry[], controlled: Set<number>): void {
		for (const entry of entries) {
			const removed = entry.state === REMOVED_STATE;
			const current = this.#entries.get(entry.clientId);
			const newer =
				current === undefined ||
				entry.clock > current.clock ||
				(entry.clock === current.clock && removed);
			if (removed) controlled.delete(entry.clientId);
			if (!newer) continue;
			if (removed) {
				this.#entries.delete(entry.clientId);
			} else {
				this.#entries.set(entry.clientId, entry);
				controlled.add(entry.clientId);
			}
		}
	}

	/**
	 * Forgets the given client ids and returns the removal entries (clock + 1, state
	 * "null") to broadcast, so that the other clients drop them at once instead of waiting
	 * for their 30 s timeout.
	 */
	remove(clientIds: Iterable<number>): AwarenessEntry[] {
		const removals: AwarenessEntry[] = [];
		for (const clientId of clientIds) {
			const current = this.#entries.get(clientId);
			if (current === undefined) continue;
			this.#entries.delete(clientId);
			removals.push({ clientId, clock: current.clock + 1, state: REMOVED_STATE });
		}
		return removals;
	}

	entries(): AwarenessEntry[] {
		return [...this.#entries.values()];
	}

	get size(): number {
		return this.#entries.size;
	}
}
