// A room's document as the relay holds it: encoded updates, never a live Y.Doc (a live
// doc costs several times its encoded size). The state vector is kept up to date from
// each update's clock ranges, so an update does not cost a merge of the whole room.
// Merges of the held parts go through an UpdateMerger, which does large ones on a
// worker thread: a big room's merge must not stall the other rooms.
//
// The parts are merged lazily: when someone needs the whole document (a new device, a
// snapshot), or in the background once the parts not yet merged weigh as much as the
// merged ones. A merge of everything re-encodes the whole room, so merging everything
// after a fixed number of updates would cost a big room a full merge every few edits;
// past 1024 small parts, they are merged among themselves, beside the merged one.
//
// The held parts are exactly the room's stored snapshot and log up to `seq`: updates are
// added once stored, in sequence order. That is what lets a snapshot be written from
// memory instead of being read back and merged again.
import * as Y from 'yjs';
import { inlineMerger, type UpdateMerger } from './merger.js';
import { holdsStructs, PartSummaries } from './part-summaries.js';
import { storedUpdates, type StoredRoom } from '../storage/storage.js';
import { inspectUpdate, type UpdateInfo } from '../protocol/update-info.js';
import { checkUpdateNesting, TooDeepError } from '../protocol/update-nesting.js';
import { deletionsOfParts, deletionsOfPartsInSlices, holdsDeletions, type DeleteSet } from '../protocol/delete-set.js';
import { cutIntoFrames } from './sync-answer.js';

/** Past this many parts not yet merged, they are merged in the background… */
export const MERGE_AFTER_PARTS = 1024;
/** …or once they weigh more than this and more than the merged part. */
const MERGE_AFTER_BYTES = 256 * 1024;
/** A stored log up to this size is read update by update on load, instead of merged. */
export const INSPECT_LOG_BELOW_BYTES = 1024 * 1024;

/** The encoding of an update with nothing in it. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);
/** A new device gets the parts after the first as they are, up to this many; past it, merged. */
const ANSWER_UNMERGED_PARTS = 16;
/**
 * When the parts after the first delete an eighth of every clock the room has written
 * (and at least this many), the room is merged through a document before it answers a
 * device: the first part still holds the content they delete (a collective's archived
 * history), which every joining device would otherwise download, store and decode. A
 * value overwritten deletes one clock, a removed record one per field and one more.
 */
export const FOLD_AFTER_DELETED_CLOCKS = 1_000;
const FOLD_AFTER_DELETED_SHARE = 8;

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
	/**
	 * Merges replace a prefix of #parts while add() may push more behind it; one merge at
	 * a time, so the prefix a merge started from is still there when it ends.
	 */
	#exclusive: Promise<unknown> = Promise.resolve();
	#backgroundMerge = false;
	/** Sequence number of the last stored update held. */
	#seq = 0;
	/** False once an update arrived out of sequence: the parts may then miss a stored one. */
	#seqContiguous = true;
	#leftOut = 0;
	/**
	 * Every deletion the held parts carry, read from them the first time an update's
	 * deletions need checking (most rooms never need it), then kept up to date.
	 */
	#deleted: DeleteSet | null = null;
	/**
	 * Per held part, the sync update frames that carry it to a new device, cut once and
	 * sent to every new device after: fifty phones joining a room cost one cut, not fifty
	 * merges. A part replaced by a merge takes its frames with it.
	 */
	readonly #answerFrames = new WeakMap<Uint8Array, Uint8Array[]>();
	/** What a device catching up needs to know of each held part (part-summaries.ts). */
	readonly #summaries = new PartSummaries();
	/** Per held part that deletes anything, the clocks it deletes (counted on the way in). */
	readonly #deletedClocks = new WeakMap<Uint8Array, number>();
	constructor(private readonly merger: UpdateMerger = inlineMerger) {}

	/** Updates (oldest first) that end at sequence number `seq`. */
	static async load(updates: readonly Uint8Array[], merger: UpdateMerger = inlineMerger, seq = 0): Promise<DocState> {
		const state = new DocState(merger);
		state.#seq = seq;
		if (updates.length === 0) return state;
		state.#parts = [...updates];
		state.#byteLength = updates.reduce((sum, update) => sum + update.byteLength, 0);
		await state.#recompute();
		return state;
	}

	/**
	 * A room as stored. A snapshot that carries its state vector costs no merge: the log
	 * entries after it are read one by one to extend that state vector. So does a short
	 * log with no snapshot before it, from an empty state vector.
	 */
	static async fromStored(stored: StoredRoom, merger: UpdateMerger = inlineMerger): Promise<DocState> {
		const { snapshot } = stored;
		const seq = stored.updates.at(-1)?.seq ?? snapshot?.seqUpto ?? 0;
		// Log entries nested too deep (stored before the relay refused them) are left out:
		// merging them would fail, and every device that got them would break. The next
		// snapshot covers their sequence numbers, which drops them from the log.
		const updates = stored.updates.filter((update) => !nestsTooDeep(update.data));
		const leftOut = stored.updates.length - updates.length;
		if (leftOut > 0) stored = { snapshot, updates };
		const logBytes = updates.reduce((sum, update) => sum + update.data.byteLength, 0);
		let stateVector: Map<number, number> | null = null;
		if (logBytes < INSPECT_LOG_BELOW_BYTES) {
			stateVector = snapshot === null ? new Map() : readStateVector(snapshot.stateVector);
		}
		if (stateVector === null) {
			const loaded = await DocState.load(storedUpdates(stored), merger, seq);
			loaded.#leftOut = leftOut;
			return loaded;
		}
		const state = new DocState(merger);
		state.#seq = seq;
		state.#parts = storedUpdates(stored);
		state.#byteLength = (snapshot?.data.byteLength ?? 0) + logBytes;
		state.#stateVector = stateVector;
		state.#highest = new Map(stateVector);
		let holes = false;
		for (const update of updates) {
			const info = inspectUpdate(update.data);
			holes = state.#extend(info) || holes;
			if (info.hasDeletions) state.#deletedClocks.set(update.data, info.deletions.clocks);
		}
		if (holes) await state.#recompute();
		state.#leftOut = leftOut;
		return state;
	}

	/** Stored log entries left out on load because they nest too deep. */
	get leftOut(): number {
		return this.#leftOut;
	}

	/**
	 * True when storing the update would add nothing: every struct is below the state
	 * vector, and every deletion is one the room holds already. `alsoHeld` are updates
	 * on their way to storage, counted as held: the same update sent again meanwhile is
	 * not stored twice.
	 */
	addsNothing(info: UpdateInfo, alsoHeld: readonly UpdateInfo[] = []): boolean {
		for (const [client, range] of info.clients) {
			if (range.to <= (this.#stateVector.get(client) ?? 0)) continue;
			const inFlight = alsoHeld.some((other) => {
				const held = other.clients.get(client);
				return held !== undefined && held.contiguous && held.from <= range.from && held.to >= range.to;
			});
			if (!inFlight) return false;
		}
		if (!info.hasDeletions) return true;
		return holdsDeletions(
			this.#deletions(),
			info.deletions,
			alsoHeld.map((other) => other.deletions)
		);
	}

	/** Whether addsNothing can tell an update's deletions without reading the held parts first. */
	get deletionsKnown(): boolean {
		return this.#deleted !== null;
	}

	/**
	 * Reads the deletions the held parts carry, a slice of time at a time, so that the
	 * first update whose deletions need checking does not stall the other rooms.
	 */
	knowDeletions(): Promise<void> {
		return this.#alone(async () => {
			if (this.#deleted !== null) return;
			// Taken now: add() may push parts meanwhile, and takes their deletions in itself
			// only once the set exists.
			const parts = [...this.#parts];
			const deleted = await deletionsOfPartsInSlices(parts);
			deletionsOfParts(this.#parts.slice(parts.length), deleted);
			this.#deleted = deleted;
		});
	}

	#deletions(): DeleteSet {
		this.#deleted ??= deletionsOfParts(this.#parts);
		return this.#deleted;
	}

	/**
	 * Takes in an update that has been stored with sequence number `seq`. `info` must
	 * describe this update. Resolves at once, except after an update that arrived before
	 * one it depends on: then only a merge tells whether the hole is filled, and the state
	 * vector is right once it resolves.
	 */
	async add(update: Uint8Array, info: UpdateInfo, seq: number): Promise<void> {
		if (seq !== this.#seq + 1) this.#seqContiguous = false;
		this.#seq = seq;
		this.#parts.push(update);
		this.#byteLength += update.byteLength;
		this.#summaries.noteUpdate(update, info);
		if (info.hasDeletions) {
			this.#deleted?.addAll(info.deletions);
			this.#deletedClocks.set(update, info.deletions.clocks);
		}
		const holes = this.#extend(info) || this.#hasHoles();
		if (holes) {
			await this.#recompute();
		} else if (this.#mergeDue() && !this.#backgroundMerge) {
			// Not awaited: the room goes on while the parts are merged.
			this.#backgroundMerge = true;
			this.#merge(true)
				.catch(() => {
					// The parts stay as they are; a later merge tries again.
				})
				.finally(() => (this.#backgroundMerge = false));
		}
	}

	/** Merges the parts held so far into one. */
	compact(): Promise<void> {
		return this.#merge(false);
	}

	/**
	 * The whole document as one update, with the sequence number it reaches and its
	 * state vector (null if it has holes): what a snapshot stores. Null when an update
	 * arrived out of sequence, since the parts might then miss a stored one.
	 */
	snapshot(): Promise<{ data: Uint8Array; seq: number; stateVector: Uint8Array | null } | null> {
		return this.#alone(async () => {
			if (!this.#seqContiguous) return null;
			// Taken together with the parts: add() changes both at once.
			const count = this.#parts.length;
			const seq = this.#seq;
			const stateVector = this.#hasHoles() ? null : this.encodedStateVector();
			if (count > 1) {
				this.#replacePrefix(count, await this.merger.merge(this.#parts.slice(0, count), { background: true }));
			}
			return { data: this.#parts[0] ?? EMPTY_UPDATE, seq, stateVector };
		});
	}

	/** Sequence number of the last stored update held (0 for none). */
	get seq(): number {
		return this.#seq;
	}

	/** The whole document as one update. */
	async merged(): Promise<Uint8Array> {
		await this.compact();
		return this.#parts[0] ?? EMPTY_UPDATE;
	}

	/**
	 * The whole document for a new device, as sync update frames to send in order: the
	 * frames of each held part, each part cut into pieces of about `chunkBytes` that apply
	 * alone. Nothing is merged for it, except parts after the first when there are many:
	 * a room written to since its last merge answers from the merged part's frames, kept
	 * from the last new device, and the few updates since.
	 */
	freshAnswer(chunkBytes: number): Promise<Uint8Array[]> {
		return this.#alone(async () => {
			await this.#foldOrMergeAfterFirst();
			const frames: Uint8Array[] = [];
			for (const part of this.#parts) {
				let cut = this.#answerFrames.get(part);
				if (cut === undefined) {
					cut = await cutIntoFrames(part, chunkBytes);
					this.#answerFrames.set(part, cut);
				}
				for (const frame of cut) frames.push(frame);
			}
			return frames;
		});
	}

	/**
	 * What a device holding part of the document lacks, as sync update frames to send in
	 * order: each held part's diff against its state vector, cut into pieces that apply
	 * alone. The parts are not merged for it (a device rejoining right after others sent
	 * their changes would otherwise cost a merge of the whole room); each part's diff
	 * costs a read of that part, on the merge worker for a large one.
	 */
	answerFor(encodedStateVector: Uint8Array, chunkBytes: number): Promise<Uint8Array[]> {
		return this.#alone(async () => {
			await this.#foldOrMergeAfterFirst();
			const held = Y.decodeStateVector(encodedStateVector);
			const frames: Uint8Array[] = [];
			for (const part of [...this.#parts]) {
				const summary = await this.#summaries.of(part);
				if (summary !== null && holdsStructs(summary, held)) {
					// The device holds every struct of this part: only its deletions may be news.
					if (summary.deletions !== null) frames.push(summary.deletions);
					continue;
				}
				const { diff } = await this.merger.diff([part], encodedStateVector);
				if (isEmptyUpdate(diff)) continue;
				for (const frame of await cutIntoFrames(diff, chunkBytes)) frames.push(frame);
			}
			return frames;
		});
	}

	/**
	 * Before answering a device (held by #alone): merges everything through a document
	 * when the parts after the first delete much of it, or else merges the parts after
	 * the first among themselves when they are many.
	 */
	async #foldOrMergeAfterFirst(): Promise<void> {
		const count = this.#parts.length;
		if (count < 2) return;
		let written = 0;
		for (const clock of this.#highest.values()) written += clock;
		const deleted = this.deletedAfterFirst;
		if (deleted >= FOLD_AFTER_DELETED_CLOCKS && deleted * FOLD_AFTER_DELETED_SHARE >= written) {
			this.#replacePrefix(count, await this.merger.merge(this.#parts.slice(0, count)));
		} else if (count > 1 + ANSWER_UNMERGED_PARTS) {
			this.#replaceRange(1, count, await this.merger.merge(this.#parts.slice(1, count), { part: true }));
		}
	}

	/** Clocks deleted by the parts after the first, whose content the first part may still hold. */
	get deletedAfterFirst(): number {
		let clocks = 0;
		for (const part of this.#parts.slice(1)) clocks += this.#deletedClocks.get(part) ?? 0;
		return clocks;
	}

	/** What a client with the given encoded state vector is missing (sync step 2). */
	diff(encodedStateVector: Uint8Array): Promise<Uint8Array> {
		// A new device lacks everything: the merged document is the answer, and diffing a
		// big room against nothing would cost as much as a merge for no gain.
		if (Y.decodeStateVector(encodedStateVector).size === 0) return this.merged();
		return this.#alone(async () => {
			const count = this.#parts.length;
			if (count === 0) return EMPTY_UPDATE;
			const { merged, diff } = await this.merger.diff(this.#parts.slice(0, count), encodedStateVector);
			this.#replacePrefix(count, merged);
			return diff;
		});
	}

	encodedStateVector(): Uint8Array {
		return Y.encodeStateVector(this.#stateVector);
	}

	stateVector(): ReadonlyMap<number, number> {
		return this.#stateVector;
	}

	/** Bytes held in memory for this document: at least its merged size. */
	get byteLength(): number {
		return this.#byteLength;
	}

	#merge(background: boolean): Promise<void> {
		return this.#alone(async () => {
			const count = this.#parts.length;
			if (count <= 1) return;
			// In the background, parts that weigh less than the merged one are merged among
			// themselves and left beside it: a big room then pays for what it took in since,
			// not for a re-encoding of its whole history every thousand edits. Once they weigh
			// as much, everything is merged.
			const first = this.#parts[0] as Uint8Array;
			const from = background && count > 2 && this.#byteLength - first.byteLength < first.byteLength ? 1 : 0;
			const merged = await this.merger.merge(this.#parts.slice(from, count), { background, part: from > 0 });
			this.#replaceRange(from, count, merged);
		});
	}

	/** Whether the parts not yet merged weigh enough to be merged in the background. */
	#mergeDue(): boolean {
		if (this.#parts.length > MERGE_AFTER_PARTS) return true;
		const merged = this.#parts[0]?.byteLength ?? 0;
		const unmerged = this.#byteLength - merged;
		return unmerged > MERGE_AFTER_BYTES && unmerged > merged;
	}

	/**
	 * Extends the state vector with an update's clock ranges. Returns true when the update
	 * leaves a hole (it starts past what is held): only a merge can tell what is claimable.
	 */
	#extend(info: UpdateInfo): boolean {
		let holes = false;
		for (const [client, range] of info.clients) {
			const known = this.#stateVector.get(client) ?? 0;
			if (range.contiguous && range.from <= known) {
				if (range.to > known) this.#stateVector.set(client, range.to);
			} else if (range.to > known) {
				holes = true;
			}
			if (range.to > (this.#highest.get(client) ?? 0)) this.#highest.set(client, range.to);
		}
		return holes;
	}

	#hasHoles(): boolean {
		for (const [client, highest] of this.#highest) {
			if (highest > (this.#stateVector.get(client) ?? 0)) return true;
		}
		return false;
	}

	#recompute(): Promise<void> {
		return this.#alone(async () => {
			const count = this.#parts.length;
			const inspected = await this.merger.inspect(this.#parts.slice(0, count));
			this.#replacePrefix(count, inspected.merged);
			// The room calls add() one update at a time, so no part arrives while this runs;
			// if one did, the state vector would only claim too little (safe), and its
			// clocks still count as held so that its hole is seen.
			this.#stateVector = inspected.stateVector;
			this.#highest = inspected.highest;
			for (const part of this.#parts.slice(1)) {
				for (const [client, to] of Y.parseUpdateMeta(part).to) {
					if (to > (this.#highest.get(client) ?? 0)) this.#highest.set(client, to);
				}
			}
		});
	}

	#replacePrefix(count: number, merged: Uint8Array): void {
		this.#replaceRange(0, count, merged);
	}

	/** Parts [from, to) are replaced by their merge; parts added meanwhile stay behind it. */
	#replaceRange(from: number, to: number, merged: Uint8Array): void {
		// A merge from the first part goes through a document, which drops deleted content;
		// one of later parts only (struct by struct) still deletes what they deleted.
		if (from > 0) {
			let clocks = 0;
			for (const part of this.#parts.slice(from, to)) clocks += this.#deletedClocks.get(part) ?? 0;
			if (clocks > 0) this.#deletedClocks.set(merged, clocks);
			this.#summaries.noteMerge(merged, this.#parts.slice(from, to));
		}
		this.#parts = [...this.#parts.slice(0, from), merged, ...this.#parts.slice(to)];
		this.#byteLength = this.#parts.reduce((sum, part) => sum + part.byteLength, 0);
	}

	/** Runs `task` after every merge queued before it. */
	#alone<T>(task: () => Promise<T>): Promise<T> {
		const result = this.#exclusive.then(task, task);
		this.#exclusive = result.catch(() => undefined);
		return result;
	}
}

/** No struct and no deletion (two zero counts). */
function isEmptyUpdate(update: Uint8Array): boolean {
	return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

function nestsTooDeep(update: Uint8Array): boolean {
	try {
		checkUpdateNesting(update);
		return false;
	} catch (error) {
		// Malformed bytes are not this check's business: loading reports them as before.
		return error instanceof TooDeepError;
	}
}

/** A stored state vector, or null if there is none or it does not decode. */
function readStateVector(encoded: Uint8Array | null): Map<number, number> | null {
	if (encoded === null) return null;
	try {
		return Y.decodeStateVector(encoded);
	} catch {
		return null;
	}
}
