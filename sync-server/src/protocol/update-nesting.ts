// How deep an encoded Yjs update nests, read without decoding a single value. Yjs and
// lib0 read and write plain values (ContentAny, ContentDoc options) one call per level,
// and JSON.stringify writes JSON content (ContentJSON, ContentEmbed, ContentFormat) the
// same way: a value nested thousands of levels deep makes Y.applyUpdate, or every later
// encoding of the document, overflow the stack on each device that receives it. One
// member could so make a collective's document unopenable on every device, and no new
// device could join. So such an update is refused before anything else reads it.
//
// The same goes for shared types nested inside one another: deleting the outer one of
// a long chain recurses once per level on every device. A chain built by one update is
// bounded here; a chain built one level per update would need the whole document to see.
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
	TooDeepError,
	UnsplittableUpdateError,
	checkJsonDepth,
	utf16Length
} from './update-reader.js';

export { TooDeepError };

/**
 * Deepest nesting accepted, for plain values and for chains of types alike. Entities of
 * the app nest a few levels; this leaves room for any future one.
 */
export const MAX_NESTING = 64;

/** Where an item's parent comes from. */
const PARENT_ROOT = 0;
const PARENT_ID = 1;
const PARENT_FROM_ORIGIN = 2;

/**
 * The items of an update, as columns (objects per item would double the memory a large
 * update costs): where each one is, and where its parent comes from.
 */
class Items {
	readonly client: number[] = [];
	readonly clock: number[] = [];
	readonly length: number[] = [];
	readonly parent: number[] = [];
	/** The parent type's item (PARENT_ID) or the origin (PARENT_FROM_ORIGIN), -1 if none. */
	readonly refClient: number[] = [];
	readonly refClock: number[] = [];
	/** The right origin (PARENT_FROM_ORIGIN), -1 if none. */
	readonly rightClient: number[] = [];
	readonly rightClock: number[] = [];
	/** 1 for an item that is a shared type, 0 otherwise. */
	readonly isType: number[] = [];
	types = 0;

	get count(): number {
		return this.client.length;
	}
}

/**
 * Throws TooDeepError if a plain value of the update nests more than `maxDepth` levels,
 * or if a type it creates sits more than `maxDepth` types deep counting only the types
 * this same update creates; UnsplittableUpdateError if its structs do not read as
 * update format v1. The delete set is not read (it nests nothing).
 */
export function checkUpdateNesting(update: Uint8Array, maxDepth: number = MAX_NESTING): void {
	const reader = new Reader(update);
	const items = new Items();
	const clientRuns = reader.varUint();
	for (let r = 0; r < clientRuns; r++) {
		const structs = reader.varUint();
		const client = reader.varUint();
		let clock = reader.varUint();
		for (let s = 0; s < structs; s++) {
			const info = reader.byte();
			const kind = info & 0x1f;
			if (kind === GC || kind === SKIP) {
				clock += reader.varUint();
				continue;
			}
			let refClient = -1;
			let refClock = -1;
			let rightClient = -1;
			let rightClock = -1;
			if (info & ORIGIN) {
				refClient = reader.varUint();
				refClock = reader.varUint();
			}
			if (info & RIGHT_ORIGIN) {
				rightClient = reader.varUint();
				rightClock = reader.varUint();
			}
			let parent = PARENT_FROM_ORIGIN;
			if ((info & (ORIGIN | RIGHT_ORIGIN)) === 0) {
				if (reader.varUint() === 1) {
					reader.skipBytes();
					parent = PARENT_ROOT;
				} else {
					refClient = reader.varUint();
					refClock = reader.varUint();
					parent = PARENT_ID;
				}
				if (info & PARENT_SUB) reader.skipBytes();
			}
			const length = readContent(reader, kind, maxDepth);
			if (kind === TYPE) items.types += 1;
			items.client.push(client);
			items.clock.push(clock);
			items.length.push(length);
			items.parent.push(parent);
			items.refClient.push(refClient);
			items.refClock.push(refClock);
			items.rightClient.push(rightClient);
			items.rightClock.push(rightClock);
			items.isType.push(kind === TYPE ? 1 : 0);
			clock += length;
		}
	}
	checkTypeChains(items, maxDepth);
}

/** Reads one item's content, checking how deep its values nest; returns its length. */
function readContent(reader: Reader, kind: number, maxDepth: number): number {
	switch (kind) {
		case DELETED:
			return reader.varUint();
		case JSON_CONTENT: {
			const length = reader.varUint();
			for (let i = 0; i < length; i++) readJson(reader, maxDepth);
			return length;
		}
		case ANY: {
			const length = reader.varUint();
			for (let i = 0; i < length; i++) reader.skipAny(maxDepth);
			return length;
		}
		case BINARY:
			reader.skipBytes();
			return 1;
		case STRING: {
			const from = reader.skipBytes();
			return utf16Length(reader.bytes, from, reader.pos);
		}
		case EMBED:
			readJson(reader, maxDepth);
			return 1;
		case FORMAT:
			reader.skipBytes(); // the attribute's name
			readJson(reader, maxDepth);
			return 1;
		case TYPE:
			if (TYPE_WITH_NAME.has(reader.varUint())) reader.skipBytes();
			return 1;
		case DOC:
			reader.skipBytes(); // the subdocument's guid
			reader.skipAny(maxDepth);
			return 1;
		default:
			throw new UnsplittableUpdateError(`unknown content kind ${kind}`);
	}
}

function readJson(reader: Reader, maxDepth: number): void {
	const from = reader.skipBytes();
	checkJsonDepth(reader.bytes, from, reader.pos, maxDepth);
}

/**
 * How many types deep each item sits, counting only the types this update creates
 * (a parent found outside the update counts as a root). An item holds its parent's id,
 * or has the same parent as its origin, or failing that its right origin. Resolved
 * without recursion: the chains are exactly what may be thousands long.
 */
function checkTypeChains(items: Items, maxDepth: number): void {
	// A chain holds each type once: with few types, none can be too deep.
	if (items.types < maxDepth) return;
	const count = items.count;
	// Per client, its items in clock order (an update lists a client's structs in order;
	// a crafted one might not).
	const byClient = new Map<number, number[]>();
	for (let index = 0; index < count; index++) {
		const client = items.client[index] as number;
		const indexes = byClient.get(client);
		if (indexes === undefined) byClient.set(client, [index]);
		else indexes.push(index);
	}
	for (const indexes of byClient.values()) {
		for (let i = 1; i < indexes.length; i++) {
			if ((items.clock[indexes[i] as number] as number) < (items.clock[indexes[i - 1] as number] as number)) {
				indexes.sort((a, b) => (items.clock[a] as number) - (items.clock[b] as number));
				break;
			}
		}
	}
	/** The item holding this id in the update, or -1. */
	const find = (client: number, clock: number): number => {
		if (client < 0) return -1;
		const indexes = byClient.get(client);
		if (indexes === undefined) return -1;
		let low = 0;
		let high = indexes.length - 1;
		while (low <= high) {
			const middle = (low + high) >> 1;
			const index = indexes[middle] as number;
			const start = items.clock[index] as number;
			if (clock < start) high = middle - 1;
			else if (clock >= start + (items.length[index] as number)) low = middle + 1;
			else return index;
		}
		return -1;
	};

	const UNKNOWN = -1;
	const VISITING = -2;
	/** Types above each item: 1 for an entry of a root type. */
	const depth = new Int32Array(count).fill(UNKNOWN);
	const chain: number[] = [];
	const steps: number[] = [];
	for (let start = 0; start < count; start++) {
		if (depth[start] !== UNKNOWN) continue;
		// Follows parents up to a known depth or out of the update…
		let current = start;
		let base = 1;
		for (;;) {
			const known = depth[current] as number;
			if (known === VISITING) throw new UnsplittableUpdateError('items that are their own parent');
			if (known !== UNKNOWN) {
				base = known;
				break;
			}
			let next = -1;
			let step = 0;
			const parent = items.parent[current];
			if (parent === PARENT_ID) {
				next = find(items.refClient[current] as number, items.refClock[current] as number);
				// Under anything but a type, Yjs drops the item: it nests nothing.
				if (next !== -1 && items.isType[next] === 0) next = -1;
				step = 1;
			} else if (parent === PARENT_FROM_ORIGIN) {
				next = find(items.refClient[current] as number, items.refClock[current] as number);
				if (next === -1) next = find(items.rightClient[current] as number, items.rightClock[current] as number);
			}
			depth[current] = VISITING;
			chain.push(current);
			if (next === -1) {
				// The parent is a root type, or lies outside the update.
				steps.push(0);
				base = 1;
				break;
			}
			steps.push(step);
			current = next;
		}
		// …then sets the depth of every item on the way, innermost last.
		let value = base;
		while (chain.length > 0) {
			const index = chain.pop() as number;
			value += steps.pop() as number;
			if (value > maxDepth) throw new TooDeepError(maxDepth);
			depth[index] = value;
		}
	}
}
