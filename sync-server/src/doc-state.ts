// A room's document as the relay holds it: encoded updates, never a live Y.Doc (a live
// doc costs several times its encoded size). The state vector is kept up to date from
// each update's clock ranges, so an update does not cost a merge of the whole room.
import * as Y from 'yjs';
import type { UpdateInfo } from './update-info.js';

/** Merging the held parts this often keeps memory close to the encoded size. */
const MERGE_EVERY_PARTS = 256;

export class DocState {
	/** Encoded updates not yet merged into one; together they are the whole document. */
	#parts: Uint8Array[] = [];
	/**
	 * Per client, the clock below which the relay holds every struct. This is what the
	 * relay may claim in its sync step 1 and in "stored" acknowledgements: claiming more
	 * would make clients leave out structs the relay never got.
	 */
	#stateVector = new Map<number, number>();
	/** Per client, the highest clock held at all; above the state vector means a hole. */
	#highest = new Map<number, number>();
	#byteLength = 0;

	static fromUpdates(updates: readonly Uint8Array[]): DocState {
		const state = new DocState();
		if (updates.length === 0) return state;
		state.#parts = [...updates];
		state.#byteLength = updates.reduce((sum, update) => sum + update.byteLength, 0);
		state.#recompute();
		return state;
	}

	/**
	 * True when storing the update would add nothing: every struct is below the state
	 * vector and it deletes nothing. Deletions are not tracked by the state vector, so an
	 * update carrying any deletion is always kept.
	 */
	addsNothing(info: UpdateInfo): boolean {
		if (info.hasDeletions) return false;
		for (const [client, range] of info.clients) {
			if (range.to > (this.#stateVector.get(client) ?? 0)) return false;
		}
		return true;
	}

	/** Takes in an update that has been stored. `info` must describe this update. */
	add(update: Uint8Array, info: UpdateInfo): void {
		this.#parts.push(update);
		this.#byteLength += update.byteLength;
		let holes = this.#hasHoles();
		for (const [client, range] of info.clients) {
			const known = this.#stateVector.get(client) ?? 0;
			if (range.contiguous && range.from <= known) {
				if (range.to > known) this.#stateVector.set(client, range.to);
			} else if (range.to > known) {
				holes = true;
			}
			if (range.to > (this.#highest.get(client) ?? 0)) this.#highest.set(client, range.to);
		}
		if (holes) {
			// Rare: an update arrived before one it depends on (e.g. relayed by a third
			// client). Only a merge tells whether the holes are filled now.
			this.#recompute();
		} else if (this.#parts.length >= MERGE_EVERY_PARTS) {
			this.merged();
		}
	}

	/** The whole document as one update. Merges the held parts once, then reuses them. */
	merged(): Uint8Array {
		if (this.#parts.length !== 1) {
			const merged = Y.mergeUpdates(this.#parts);
			this.#parts = [merged];
			this.#byteLength = merged.byteLength;
		}
		return this.#parts[0] as Uint8Array;
	}

	/** What a client with the given encoded state vector is missing (sync step 2). */
	diff(encodedStateVector: Uint8Array): Uint8Array {
		return Y.diffUpdate(this.merged(), encodedStateVector);
	}

	encodedStateVector(): Uint8Array {
		return Y.encodeStateVector(this.#stateVector);
	}

	stateVector(): ReadonlyMap<number, number> {
		return this.#stateVector;
	}

	/** Bytes held in memory for this document. */
	get byteLength(): number {
		return this.#byteLength;
	}

	#hasHoles(): boolean {
		for (const [client, highest] of this.#highest) {
			if (highest > (this.#stateVector.get(client) ?? 0)) return true;
		}
		return false;
	}

	#recompute(): void {
		const merged = this.merged();
		this.#stateVector = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(merged));
		this.#highest = Y.parseUpdateMeta(merged).to;
	}
}
