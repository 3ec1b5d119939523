// Cuts one large Yjs update (format v1) into several smaller ones that, applied in order,
// give the same document. The stock client drops a connection that receives nothing for
// 30 s, so a big room sent as one message to a phone on a slow link would never arrive:
// several messages keep it hearing from the relay.
//
// Works on the bytes, without a Y.Doc: struct by struct, and inside a long item (a text
// typed in one go, an array pushed at once) unit by unit, the way Yjs itself splits an
// item: the right part's origin is the last unit of the left part. Only the last piece
// carries the delete set, so no deletion arrives before what it deletes has a chance to.
//
// The structs go out in an order in which each piece applies alone: a struct only once
// the structs it names (its origin, its right origin, the item holding its parent type)
// and its own writer's earlier ones have gone out in an earlier or the same piece, as
// Yjs orders them when it integrates an update. Cut in the order the update lists its
// writers, a piece may build on a later one: Yjs then keeps its structs pending and
// merges every later piece into them, which on a phone and a large space takes minutes.
import * as encoding from 'lib0/encoding';
import { Reader, UnsplittableUpdateError } from './update-reader.js';
import { readStruct, type Piece, type Struct } from './read-struct.js';

export { UnsplittableUpdateError };

/** One writer's structs in the update, and how far they have gone out. */
interface Writer {
	client: number;
	structs: Struct[];
	/** The first clock the update holds: the asker is taken to hold what comes before. */
	first: number;
	/** Structs from this index on are held back to the end (after a gap, or on a cycle). */
	orderedUpTo: number;
	/** Index of the next struct to go out. */
	next: number;
	/** Clock below which every struct of the writer has gone out (or is the asker's). */
	sent: number;
	onStack: boolean;
}

/**
 * Splits `update` into updates of about `maxBytes` each (a single unit larger than that,
 * like one big binary, stays whole), in an order where each applies alone to a document
 * holding the ones before (see above). Yields `update` itself when it is small enough.
 * Throws UnsplittableUpdateError on bytes it does not understand, before any piece.
 *
 * Structs that cannot apply whatever the order (they build on something the update does
 * not hold, or on each other in a cycle, which only crafted bytes do) go last, in the
 * order they came, where they stay pending as they would have in the whole update.
 */
export function* splitUpdate(update: Uint8Array, maxBytes: number): Generator<Uint8Array, void, undefined> {
	for (const step of splitSteps(update, maxBytes)) if (step !== PAUSE) yield step;
}

/**
 * The pieces of splitUpdate, cut a slice of time at a time (about `sliceMs` each) with
 * the event loop running in between: the whole update is read before the first piece,
 * and for a room of tens of megabytes that read must not stall every other room (nor,
 * in a browser, given another `pause`, the page).
 */
export async function splitUpdateInSlices(
	update: Uint8Array,
	maxBytes: number,
	sliceMs = 10,
	pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))
): Promise<Uint8Array[]> {
	const pieces: Uint8Array[] = [];
	let sliceStart = performance.now();
	for (const step of splitSteps(update, maxBytes)) {
		if (step !== PAUSE) {
			pieces.push(step);
		} else if (performance.now() - sliceStart > sliceMs) {
			await pause();
			sliceStart = performance.now();
		}
	}
	return pieces;
}

/** A place where the work may stop for a while. */
const PAUSE = Symbol('pause');
/** Structs read or ordered between two such places. */
const STRUCTS_PER_STEP = 2048;

function* splitSteps(update: Uint8Array, maxBytes: number): Generator<Uint8Array | typeof PAUSE, void, undefined> {
	if (update.byteLength <= maxBytes) {
		yield update;
		return;
	}
	const reader = new Reader(update);
	const writers = new Map<number, Writer>();
	const clientRuns = reader.varUint();
	let read = 0;
	for (let r = 0; r < clientRuns; r++) {
		const count = reader.varUint();
		const client = reader.varUint();
		let clock = reader.varUint();
		// Yjs reads one run per writer and would drop an earlier one.
		if (writers.has(client)) throw new UnsplittableUpdateError('a writer listed twice');
		const structs: Struct[] = [];
		let orderedUpTo = -1;
		for (let s = 0; s < count; s++) {
			const struct = readStruct(reader, client, clock, maxBytes);
			if (struct.skip && orderedUpTo < 0) orderedUpTo = structs.length;
			structs.push(struct);
			clock += struct.length;
			if (++read % STRUCTS_PER_STEP === 0) yield PAUSE;
		}
		const first = structs[0]?.clock ?? clock;
		writers.set(client, {
			client,
			structs,
			first,
			orderedUpTo: orderedUpTo < 0 ? structs.length : orderedUpTo,
			next: 0,
			sent: first,
			onStack: false
		});
	}
	const deleteSet = update.subarray(reader.pos);

	const pieces = new PieceWriter(maxBytes);
	for (const slice of dependencyOrder(writers)) {
		if (slice === PAUSE) {
			yield PAUSE;
			continue;
		}
		const full = pieces.add(slice);
		if (full !== null) yield full;
	}
	yield pieces.flush(deleteSet);
}

/**
 * The slices of every struct, each struct after what it builds on. A depth-first walk
 * with an explicit stack (the bytes come from anyone: no recursion), as Yjs's own
 * integrateStructs: the struct on top goes out once nothing it needs is missing;
 * otherwise the next struct of the writer it needs goes on top.
 */
function* dependencyOrder(writers: Map<number, Writer>): Generator<Piece | typeof PAUSE, void, undefined> {
	const stack: Writer[] = [];
	let ordered = 0;
	/** Whether (client, clock) is out already, or not this update's to send. */
	const held = (client: number, clock: number): boolean => {
		const writer = writers.get(client);
		return writer === undefined || clock < writer.sent || clock < writer.first;
	};
	const holdBack = (): void => {
		for (const writer of stack) {
			writer.orderedUpTo = writer.next;
			writer.onStack = false;
		}
		stack.length = 0;
	};
	for (const start of writers.values()) {
		while (start.next < start.orderedUpTo) {
			start.onStack = true;
			stack.push(start);
			while (stack.length > 0) {
				const writer = stack[stack.length - 1] as Writer;
				const struct = writer.structs[writer.next] as Struct;
				let needed: Writer | null = null;
				let blocked = false;
				for (let i = 0; i < struct.needs.length; i += 2) {
					const client = struct.needs[i] as number;
					const clock = struct.needs[i + 1] as number;
					// A writer's own earlier structs go out before it anyway.
					if (client === writer.client || held(client, clock)) continue;
					const other = writers.get(client) as Writer;
					if (other.onStack || clock >= orderedEnd(other)) blocked = true;
					else needed = other;
					break;
				}
				if (blocked) {
					holdBack();
					break;
				}
				if (needed !== null) {
					needed.onStack = true;
					stack.push(needed);
					continue;
				}
				yield* struct.slices;
				writer.sent = struct.clock + struct.length;
				writer.next += 1;
				stack.pop();
				writer.onStack = false;
				if (++ordered % STRUCTS_PER_STEP === 0) yield PAUSE;
			}
		}
	}
	// What could not go out in order: each writer's rest, in sequence.
	for (const writer of writers.values()) {
		for (let i = writer.next; i < writer.structs.length; i++) yield* (writer.structs[i] as Struct).slices;
	}
}

/** The clock just past the structs of `writer` that may still go out in order. */
function orderedEnd(writer: Writer): number {
	const last = writer.structs[writer.orderedUpTo - 1];
	return writer.next < writer.orderedUpTo && last !== undefined ? last.clock + last.length : writer.sent;
}

/** Gathers slices into pieces of about `maxBytes`, one run per writer in each. */
class PieceWriter {
	#runs = new Map<number, { clock: number; length: number; parts: Uint8Array[] }>();
	#bytes = 0;
	constructor(private readonly maxBytes: number) {}

	/** Adds a slice; returns the piece it completed, if it did not fit. */
	add(slice: Piece): Uint8Array | null {
		let full: Uint8Array | null = null;
		if (this.#bytes > 0 && this.#bytes + slice.bytes.byteLength > this.maxBytes) full = this.flush(EMPTY_DELETE_SET);
		const run = this.#runs.get(slice.client);
		if (run === undefined) {
			this.#runs.set(slice.client, { clock: slice.clock, length: slice.length, parts: [slice.bytes] });
		} else {
			// Each writer's structs come in sequence, so a run only grows at its end.
			if (run.clock + run.length !== slice.clock) throw new UnsplittableUpdateError('structs out of sequence');
			run.parts.push(slice.bytes);
			run.length += slice.length;
		}
		this.#bytes += slice.bytes.byteLength;
		return full;
	}

	flush(deleteSet: Uint8Array): Uint8Array {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, this.#runs.size);
		// Highest writer first, as Yjs writes them: Y.mergeUpdates (the relay merging stored
		// pieces, a device merging held ones) expects each update's writers in that order,
		// and merging pieces listed otherwise loses some of their structs.
		const runs = [...this.#runs].sort(([a], [b]) => b - a);
		for (const [client, run] of runs) {
			encoding.writeVarUint(encoder, run.parts.length);
			encoding.writeVarUint(encoder, client);
			encoding.writeVarUint(encoder, run.clock);
			for (const part of run.parts) encoding.writeUint8Array(encoder, part);
		}
		encoding.writeUint8Array(encoder, deleteSet);
		this.#runs = new Map();
		this.#bytes = 0;
		return encoding.toUint8Array(encoder);
	}
}

const EMPTY_DELETE_SET = new Uint8Array([0]);
