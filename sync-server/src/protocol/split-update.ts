// Cuts one large Yjs update (format v1) into several smaller ones that, applied in order,
// give the same document. The stock client drops a connection that receives nothing for
// 30 s, so a big room sent as one message to a phone on a slow link would never arrive:
// several messages keep it hearing from the relay.
//
// Works on the bytes, without a Y.Doc: struct by struct, and inside a long item (a text
// typed in one go, an array pushed at once) unit by unit, the way Yjs itself splits an
// item: the right part's origin is the last unit of the left part. Only the last piece
// carries the delete set, so no deletion arrives before what it deletes has a chance to.
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
	RIGHT_ORIGIN,
	SKIP,
	STRING,
	TYPE,
	TYPE_WITH_NAME,
	Reader,
	UnsplittableUpdateError,
	utf16Length
} from './update-reader.js';

export { UnsplittableUpdateError };


/** One struct (or a slice of one) ready to be written into a piece. */
interface Piece {
	client: number;
	clock: number;
	length: number;
	bytes: Uint8Array;
}

/**
 * Splits `update` into updates of about `maxBytes` each (a single unit larger than that,
 * like one big binary, stays whole), produced one at a time so that a caller can send
 * each piece as soon as it is cut and let other work run in between. Yields `update`
 * itself when it is small enough. Throws UnsplittableUpdateError on bytes it does not
 * understand; the pieces yielded before are valid, and the whole update may follow them.
 */
export function* splitUpdate(update: Uint8Array, maxBytes: number): Generator<Uint8Array, void, undefined> {
	if (update.byteLength <= maxBytes) {
		yield update;
		return;
	}
	const reader = new Reader(update);
	let runs: Array<{ client: number; clock: number; length: number; parts: Uint8Array[] }> = [];
	let pending = 0;

	const flush = (deleteSet: Uint8Array): Uint8Array => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, runs.length);
		for (const run of runs) {
			encoding.writeVarUint(encoder, run.parts.length);
			encoding.writeVarUint(encoder, run.client);
			encoding.writeVarUint(encoder, run.clock);
			for (const part of run.parts) encoding.writeUint8Array(encoder, part);
		}
		encoding.writeUint8Array(encoder, deleteSet);
		runs = [];
		pending = 0;
		return encoding.toUint8Array(encoder);
	};

	const clientRuns = reader.varUint();
	for (let r = 0; r < clientRuns; r++) {
		const structs = reader.varUint();
		const client = reader.varUint();
		let clock = reader.varUint();
		for (let s = 0; s < structs; s++) {
			for (const piece of readStruct(reader, client, clock, maxBytes)) {
				if (pending > 0 && pending + piece.bytes.byteLength > maxBytes) yield flush(EMPTY_DELETE_SET);
				const run = runs.at(-1);
				if (run !== undefined && run.client === client && run.clock + run.length === piece.clock) {
					run.parts.push(piece.bytes);
					run.length += piece.length;
				} else {
					runs.push({ client, clock: piece.clock, length: piece.length, parts: [piece.bytes] });
				}
				pending += piece.bytes.byteLength;
				clock += piece.length;
			}
		}
	}
	yield flush(update.subarray(reader.pos));
}

const EMPTY_DELETE_SET = new Uint8Array([0]);

/** Reads one struct; returns it whole, or in slices when it is long and can be cut. */
function readStruct(reader: Reader, client: number, clock: number, maxBytes: number): Piece[] {
	const start = reader.pos;
	const info = reader.byte();
	const kind = info & 0x1f;
	if (kind === GC || kind === SKIP) {
		const length = reader.varUint();
		return [{ client, clock, length, bytes: reader.bytes.subarray(start, reader.pos) }];
	}
	if (info & ORIGIN) reader.skipId();
	let rightOrigin: Uint8Array | null = null;
	if (info & RIGHT_ORIGIN) {
		const from = reader.pos;
		reader.skipId();
		rightOrigin = reader.bytes.subarray(from, reader.pos);
	}
	if ((info & (ORIGIN | RIGHT_ORIGIN)) === 0) {
		// The parent: a root type's name, or the id of the item holding the type.
		if (reader.varUint() === 1) reader.skipBytes();
		else reader.skipId();
		// The key, for an entry of a map.
		if (info & 0x20) reader.skipBytes();
	}
	const header = reader.bytes.subarray(start, reader.pos);
	const contentStart = reader.pos;
	// Unit boundaries as byte offsets into the update: boundaries[i] is where unit i starts.
	const boundaries: number[] = [];
	let length = 1;
	switch (kind) {
		case DELETED:
			length = reader.varUint();
			break;
		case JSON_CONTENT:
		case ANY: {
			length = reader.varUint();
			for (let i = 0; i < length; i++) {
				boundaries.push(reader.pos);
				if (kind === ANY) reader.skipAny();
				else reader.skipBytes();
			}
			break;
		}
		case STRING: {
			const from = reader.skipBytes();
			length = utf16Length(reader.bytes, from, reader.pos);
			break;
		}
		case BINARY:
		case EMBED:
			reader.skipBytes();
			break;
		case FORMAT:
			reader.skipBytes();
			reader.skipBytes();
			break;
		case TYPE:
			if (TYPE_WITH_NAME.has(reader.varUint())) reader.skipBytes();
			break;
		case DOC:
			reader.skipBytes();
			reader.skipAny();
			break;
		default:
			throw new UnsplittableUpdateError(`unknown content kind ${kind}`);
	}
	const whole: Piece = { client, clock, length, bytes: reader.bytes.subarray(start, reader.pos) };
	if (whole.bytes.byteLength <= maxBytes || length < 2) return [whole];
	if (kind !== JSON_CONTENT && kind !== ANY && kind !== STRING) return [whole];
	const item = { info, header, rightOrigin, client, clock };
	if (kind === STRING) return sliceString(reader.bytes, contentStart, reader.pos, item, maxBytes);
	boundaries.push(reader.pos);
	return sliceList(reader.bytes, boundaries, item, maxBytes);
}

interface ItemHead {
	info: number;
	/** The struct's bytes up to its content, as written for its first unit. */
	header: Uint8Array;
	rightOrigin: Uint8Array | null;
	client: number;
	clock: number;
}

/** The header of the slice starting `offset` units into the item, as Yjs writes it. */
function sliceHeader(encoder: encoding.Encoder, item: ItemHead, offset: number): void {
	if (offset === 0) {
		encoding.writeUint8Array(encoder, item.header);
		return;
	}
	// The same info byte, now saying that an origin follows.
	encoding.writeUint8(encoder, item.info | ORIGIN);
	encoding.writeVarUint(encoder, item.client);
	encoding.writeVarUint(encoder, item.clock + offset - 1);
	if (item.rightOrigin !== null) encoding.writeUint8Array(encoder, item.rightOrigin);
}

/** Slices an array-like item (ContentAny, ContentJSON) between values. */
function sliceList(bytes: Uint8Array, boundaries: number[], item: ItemHead, maxBytes: number): Piece[] {
	const pieces: Piece[] = [];
	const units = boundaries.length - 1;
	let from = 0;
	while (from < units) {
		let to = from + 1;
		while (to < units && (boundaries[to + 1] as number) - (boundaries[from] as number) <= maxBytes) to++;
		const encoder = encoding.createEncoder();
		sliceHeader(encoder, item, from);
		encoding.writeVarUint(encoder, to - from);
		encoding.writeUint8Array(encoder, bytes.subarray(boundaries[from], boundaries[to]));
		const slice = encoding.toUint8Array(encoder);
		pieces.push({ client: item.client, clock: item.clock + from, length: to - from, bytes: slice });
		from = to;
	}
	return pieces;
}

/** Slices a text item between characters, never inside a UTF-8 sequence or surrogate pair. */
function sliceString(bytes: Uint8Array, contentStart: number, end: number, item: ItemHead, maxBytes: number): Piece[] {
	const reader = new Reader(bytes);
	reader.pos = contentStart;
	const textStart = reader.skipBytes();
	const pieces: Piece[] = [];
	let from = textStart;
	let offset = 0;
	while (from < end) {
		let to = Math.min(end, from + maxBytes);
		// Back up to the start of a character: continuation bytes are 10xxxxxx.
		while (to < end && to > from && ((bytes[to] as number) & 0xc0) === 0x80) to--;
		if (to === from) throw new UnsplittableUpdateError('malformed text');
		const units = utf16Length(bytes, from, to);
		const encoder = encoding.createEncoder();
		sliceHeader(encoder, item, offset);
		encoding.writeVarUint(encoder, to - from);
		encoding.writeUint8Array(encoder, bytes.subarray(from, to));
		const slice = encoding.toUint8Array(encoder);
		pieces.push({ client: item.client, clock: item.clock + offset, length: units, bytes: slice });
		offset += units;
		from = to;
	}
	return pieces;
}
