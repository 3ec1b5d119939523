// The deletions a room holds, kept as ranges of clocks per writer, so that the relay can
// tell an update whose deletions it already has (a device's step 2 carries its whole
// delete set at every reconnection; the same deletion may come back from a loop of
// relays) from one that deletes something new. Read from the bytes, without a Y.Doc.
import * as encoding from 'lib0/encoding';
import {
	ANY,
	BINARY,
	DELETED,
	DOC,
	EMBED,
	FORMAT,
	GC,
	JSON_CONTENT,
	ORIGIN,
	PARENT_SUB,
	RIGHT_ORIGIN,
	SKIP,
	STRING,
	TYPE,
	TYPE_WITH_NAME,
	Reader,
	UnsplittableUpdateError,
	utf16Length
} from './update-reader.js';

/** Per writer, deleted clock ranges as [from, to, from, to, …], sorted and apart. */
export class DeleteSet {
	readonly #ranges = new Map<number, number[]>();

	/** Adds the deleted clocks [from, to) of `client`. */
	add(client: number, from: number, to: number): void {
		if (to <= from) return;
		let ranges = this.#ranges.get(client);
		if (ranges === undefined) {
			this.#ranges.set(client, [from, to]);
			return;
		}
		// First range ending at or after `from`: it and those after it that start at or
		// before `to` touch the new one, and are merged with it.
		let first = firstEndingFrom(ranges, from);
		let last = first;
		while (last < ranges.length && (ranges[last] as number) <= to) last += 2;
		if (last > first) {
			from = Math.min(from, ranges[first] as number);
			to = Math.max(to, ranges[last - 1] as number);
		}
		if (first === ranges.length && last === first) {
			ranges.push(from, to);
			return;
		}
		ranges.splice(first, last - first, from, to);
	}

	addAll(other: DeleteSet): void {
		for (const [client, ranges] of other.#ranges) {
			for (let i = 0; i < ranges.length; i += 2) this.add(client, ranges[i] as number, ranges[i + 1] as number);
		}
	}

	/** The parts of [from, to) of `client` that this set does not hold, in order. */
	missing(client: number, from: number, to: number): Array<[number, number]> {
		const ranges = this.#ranges.get(client);
		if (ranges === undefined) return [[from, to]];
		const gaps: Array<[number, number]> = [];
		for (let i = firstEndingFrom(ranges, from + 1); i < ranges.length && from < to; i += 2) {
			const start = ranges[i] as number;
			if (start >= to) break;
			if (start > from) gaps.push([from, start]);
			from = Math.max(from, ranges[i + 1] as number);
		}
		if (from < to) gaps.push([from, to]);
		return gaps;
	}

	get isEmpty(): boolean {
		return this.#ranges.size === 0;
	}

	/** How many clocks the set covers, over every client. */
	get clocks(): number {
		let clocks = 0;
		for (const ranges of this.#ranges.values()) {
			for (let i = 0; i < ranges.length; i += 2) clocks += (ranges[i + 1] as number) - (ranges[i] as number);
		}
		return clocks;
	}

	/** Every range, as (client, from, to). */
	*entries(): Generator<[number, number, number], void, undefined> {
		for (const [client, ranges] of this.#ranges) {
			for (let i = 0; i < ranges.length; i += 2) yield [client, ranges[i] as number, ranges[i + 1] as number];
		}
	}
}

/** Index (even) of the first range whose end is at or after `clock`; the length if none. */
function firstEndingFrom(ranges: number[], clock: number): number {
	let low = 0;
	let high = ranges.length / 2;
	while (low < high) {
		const middle = (low + high) >> 1;
		if ((ranges[middle * 2 + 1] as number) < clock) low = middle + 1;
		else high = middle;
	}
	return low * 2;
}

/**
 * Whether `held` holds every deletion of `incoming`, counting also what `alsoHeld` hold
 * (updates on their way to storage).
 */
export function holdsDeletions(held: DeleteSet, incoming: DeleteSet, alsoHeld: readonly DeleteSet[] = []): boolean {
	for (const [client, from, to] of incoming.entries()) {
		let gaps = held.missing(client, from, to);
		for (const other of alsoHeld) {
			if (gaps.length === 0) break;
			gaps = gaps.flatMap(([gapFrom, gapTo]) => other.missing(client, gapFrom, gapTo));
		}
		if (gaps.length > 0) return false;
	}
	return true;
}

/** What the relay reads of a held part without decoding it. */
export interface PartSummary {
	/** Per writer, the clock just past its last struct in the part. */
	ends: Map<number, number>;
	deletions: DeleteSet;
}

/**
 * The delete set of an encoded update (format v1): its structs are skipped, not decoded,
 * so reading a large room's costs a walk over its bytes. Throws UnsplittableUpdateError
 * on bytes it does not understand.
 */
export function readDeleteSet(update: Uint8Array): DeleteSet {
	for (const step of summarySteps(update)) if (step !== PAUSE) return step.deletions;
	throw new UnsplittableUpdateError('no delete set');
}

/**
 * What an update holds (where each writer's structs end) and deletes, a slice of time at
 * a time (about `sliceMs`), the event loop running in between: a room of tens of
 * megabytes takes a few hundred milliseconds to walk.
 */
export async function readSummaryInSlices(update: Uint8Array, sliceMs = 10): Promise<PartSummary> {
	let sliceStart = performance.now();
	for (const step of summarySteps(update)) {
		if (step !== PAUSE) return step;
		if (performance.now() - sliceStart > sliceMs) {
			await new Promise((resolve) => setImmediate(resolve));
			sliceStart = performance.now();
		}
	}
	throw new UnsplittableUpdateError('no delete set');
}

/** readDeleteSet a slice of time at a time (see readSummaryInSlices). */
export async function readDeleteSetInSlices(update: Uint8Array, sliceMs = 10): Promise<DeleteSet> {
	return (await readSummaryInSlices(update, sliceMs)).deletions;
}

/**
 * Every deletion the given parts carry, added to `into`. A part this reader does not
 * understand (it did decode when stored) adds nothing: its deletions count as unknown,
 * so an update that repeats them is stored again rather than dropped.
 */
export function deletionsOfParts(parts: readonly Uint8Array[], into = new DeleteSet()): DeleteSet {
	for (const part of parts) {
		try {
			into.addAll(readDeleteSet(part));
		} catch {
			// See above.
		}
	}
	return into;
}

/** deletionsOfParts a slice of time at a time (see readSummaryInSlices). */
export async function deletionsOfPartsInSlices(parts: readonly Uint8Array[], into = new DeleteSet()): Promise<DeleteSet> {
	for (const part of parts) {
		try {
			into.addAll(await readDeleteSetInSlices(part));
		} catch {
			// As in deletionsOfParts.
		}
	}
	return into;
}

/** An update with no struct and the given deletions (format v1). */
export function encodeDeletions(set: DeleteSet): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	const byClient = new Map<number, number[]>();
	for (const [client, from, to] of set.entries()) {
		const ranges = byClient.get(client);
		if (ranges === undefined) byClient.set(client, [from, to - from]);
		else ranges.push(from, to - from);
	}
	encoding.writeVarUint(encoder, byClient.size);
	for (const [client, ranges] of byClient) {
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, ranges.length / 2);
		for (const value of ranges) encoding.writeVarUint(encoder, value);
	}
	return encoding.toUint8Array(encoder);
}

/** A place where the walk may stop for a while, every so many structs. */
const PAUSE = Symbol('pause');
const STRUCTS_PER_STEP = 4096;

function* summarySteps(update: Uint8Array): Generator<PartSummary | typeof PAUSE, void, undefined> {
	const reader = new Reader(update);
	const ends = new Map<number, number>();
	const clientRuns = reader.varUint();
	let walked = 0;
	for (let r = 0; r < clientRuns; r++) {
		const structs = reader.varUint();
		const client = reader.varUint();
		let clock = reader.varUint();
		for (let s = 0; s < structs; s++) {
			clock += skipStruct(reader);
			if (++walked % STRUCTS_PER_STEP === 0) yield PAUSE;
		}
		ends.set(client, Math.max(clock, ends.get(client) ?? 0));
	}
	const deletions = new DeleteSet();
	const clients = reader.varUint();
	for (let c = 0; c < clients; c++) {
		const client = reader.varUint();
		const ranges = reader.varUint();
		for (let i = 0; i < ranges; i++) {
			const clock = reader.varUint();
			deletions.add(client, clock, clock + reader.varUint());
		}
	}
	yield { ends, deletions };
}

/** Skips one struct; returns its length in clocks. */
function skipStruct(reader: Reader): number {
	const info = reader.byte();
	const kind = info & 0x1f;
	if (kind === GC || kind === SKIP) return reader.varUint();
	if (info & ORIGIN) reader.skipId();
	if (info & RIGHT_ORIGIN) reader.skipId();
	if ((info & (ORIGIN | RIGHT_ORIGIN)) === 0) {
		if (reader.varUint() === 1) reader.skipBytes();
		else reader.skipId();
		if (info & PARENT_SUB) reader.skipBytes();
	}
	switch (kind) {
		case DELETED:
			return reader.varUint();
		case JSON_CONTENT: {
			const length = reader.varUint();
			for (let i = 0; i < length; i++) reader.skipBytes();
			return length;
		}
		case ANY: {
			const length = reader.varUint();
			for (let i = 0; i < length; i++) reader.skipAny();
			return length;
		}
		case STRING: {
			const from = reader.skipBytes();
			return utf16Length(reader.bytes, from, reader.pos);
		}
		case BINARY:
		case EMBED:
			reader.skipBytes();
			return 1;
		case FORMAT:
			reader.skipBytes();
			reader.skipBytes();
			return 1;
		case TYPE:
			if (TYPE_WITH_NAME.has(reader.varUint())) reader.skipBytes();
			return 1;
		case DOC:
			reader.skipBytes();
			reader.skipAny();
			return 1;
		default:
			throw new UnsplittableUpdateError(`unknown content kind ${kind}`);
	}
}
