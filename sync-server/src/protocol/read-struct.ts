// Reads the structs of a Yjs update (format v1) one at a time, each as the slices it can
// be cut into: a long item (a text typed in one go, an array pushed at once) unit by
// unit, the way Yjs itself splits an item, the right part's origin being the last unit
// of the left part. What each struct builds on is noted, for the cutter to order them.
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

/** One struct (or a slice of one) ready to be written into a piece. */
export interface Piece {
	client: number;
	clock: number;
	length: number;
	bytes: Uint8Array;
}

/** One struct as read: its slices, and the structs of other writers it builds on. */
export interface Struct {
	clock: number;
	length: number;
	slices: Piece[];
	/** Pairs of (client, clock): its origin, right origin and parent item, when it has them. */
	needs: number[];
	/** A gap in what the update holds of this writer (the sender lacked those structs). */
	skip: boolean;
}

/** Reads one struct: whole, or in slices when it is long and can be cut. */
export function readStruct(reader: Reader, client: number, clock: number, maxBytes: number): Struct {
	const start = reader.pos;
	const info = reader.byte();
	const kind = info & 0x1f;
	if (kind === GC || kind === SKIP) {
		const length = reader.varUint();
		const slice = { client, clock, length, bytes: reader.bytes.subarray(start, reader.pos) };
		return { clock, length, slices: [slice], needs: [], skip: kind === SKIP };
	}
	const needs: number[] = [];
	if (info & ORIGIN) needs.push(reader.varUint(), reader.varUint());
	let rightOrigin: Uint8Array | null = null;
	if (info & RIGHT_ORIGIN) {
		const from = reader.pos;
		needs.push(reader.varUint(), reader.varUint());
		rightOrigin = reader.bytes.subarray(from, reader.pos);
	}
	if ((info & (ORIGIN | RIGHT_ORIGIN)) === 0) {
		// The parent: a root type's name, or the id of the item holding the type.
		if (reader.varUint() === 1) reader.skipBytes();
		else needs.push(reader.varUint(), reader.varUint());
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
	const struct: Struct = { clock, length, slices: [whole], needs, skip: false };
	if (whole.bytes.byteLength <= maxBytes || length < 2) return struct;
	if (kind !== JSON_CONTENT && kind !== ANY && kind !== STRING) return struct;
	const item = { info, header, rightOrigin, client, clock };
	if (kind === STRING) {
		struct.slices = sliceString(reader.bytes, contentStart, reader.pos, item, maxBytes);
	} else {
		boundaries.push(reader.pos);
		struct.slices = sliceList(reader.bytes, boundaries, item, maxBytes);
	}
	return struct;
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
