// A cursor over an encoded Yjs update with the lib0 primitives Yjs writes (varUint,
// byte arrays, "any" values), reading nothing into objects: the splitter and the nesting
// check only need to know where things start and end, and skipping is much cheaper than
// decoding. Nothing here recurses, since the bytes come from anyone.

/** Struct content kinds (the low 5 bits of a struct's info byte). */
export const GC = 0;
export const DELETED = 1;
export const JSON_CONTENT = 2;
export const BINARY = 3;
export const STRING = 4;
export const EMBED = 5;
export const FORMAT = 6;
export const TYPE = 7;
export const ANY = 8;
export const DOC = 9;
export const SKIP = 10;

/** Flags of a struct's info byte. */
export const ORIGIN = 0x80;
export const RIGHT_ORIGIN = 0x40;
export const PARENT_SUB = 0x20;
/** Type refs that carry a name: XmlElement and XmlHook. */
export const TYPE_WITH_NAME: ReadonlySet<number> = new Set([3, 5]);

/** Bytes that do not read as an update this reader understands. */
export class UnsplittableUpdateError extends Error {
	override name = 'UnsplittableUpdateError';
}

export class Reader {
	pos = 0;
	constructor(readonly bytes: Uint8Array) {}

	byte(): number {
		if (this.pos >= this.bytes.length) throw new UnsplittableUpdateError('unexpected end of update');
		return this.bytes[this.pos++] as number;
	}

	varUint(): number {
		let value = 0;
		let multiplier = 1;
		for (;;) {
			const byte = this.byte();
			value += (byte & 0x7f) * multiplier;
			if (byte < 0x80) return value;
			multiplier *= 128;
			if (multiplier > 2 ** 53) throw new UnsplittableUpdateError('integer out of range');
		}
	}

	skip(length: number): void {
		if (this.pos + length > this.bytes.length) throw new UnsplittableUpdateError('unexpected end of update');
		this.pos += length;
	}

	/** Skips an item id: client, clock. */
	skipId(): void {
		this.varUint();
		this.varUint();
	}

	/** Skips a varString or varUint8Array; returns where its bytes start. */
	skipBytes(): number {
		const length = this.varUint();
		const start = this.pos;
		this.skip(length);
		return start;
	}

	/**
	 * Skips one lib0 "any" value, refusing one whose arrays and objects nest more than
	 * `maxDepth` levels (TooDeepError). Iterative: lib0's own reader recurses once per
	 * level, and crafted bytes can nest values deeper than any stack.
	 */
	skipAny(maxDepth = Infinity): void {
		// Per open array or object: how many values are still to come, and whether each
		// value is preceded by a key.
		const open: Array<{ left: number; keyed: boolean }> = [];
		for (;;) {
			const type = this.byte();
			switch (type) {
				case 127: // undefined
				case 126: // null
				case 121: // false
				case 120: // true
					break;
				case 125: // varInt: continuation bit on every byte but the last
					while (this.byte() >= 0x80);
					break;
				case 124:
					this.skip(4);
					break;
				case 123:
				case 122:
					this.skip(8);
					break;
				case 119: // string
				case 116: // bytes
					this.skipBytes();
					break;
				case 118: // object
				case 117: {
					// array
					if (open.length + 1 > maxDepth) throw new TooDeepError(maxDepth);
					open.push({ left: this.varUint(), keyed: type === 118 });
					break;
				}
				default:
					throw new UnsplittableUpdateError(`unknown value type ${type}`);
			}
			// Moves on to the next value still to come, if any.
			for (;;) {
				const innermost = open.at(-1);
				if (innermost === undefined) return;
				if (innermost.left === 0) {
					open.pop();
					continue;
				}
				innermost.left -= 1;
				if (innermost.keyed) this.skipBytes();
				break;
			}
		}
	}
}

/** A value, or a chain of types, nested deeper than the relay accepts. */
export class TooDeepError extends Error {
	override name = 'TooDeepError';
	constructor(readonly limit: number) {
		super(`nested deeper than ${limit} levels`);
	}
}

/**
 * Refuses JSON text (UTF-8 bytes from start to end) whose arrays and objects nest more
 * than `maxDepth` levels, by counting brackets outside strings: nothing is parsed, so a
 * deep text costs no stack. JSON.stringify recurses per level, so such a value, once in a
 * document, makes every encoding of that document fail. Malformed text is left for the
 * parser to refuse.
 */
export function checkJsonDepth(bytes: Uint8Array, start: number, end: number, maxDepth: number): void {
	let depth = 0;
	let inString = false;
	for (let i = start; i < end; i++) {
		const byte = bytes[i] as number;
		if (inString) {
			if (byte === 0x5c) i += 1; // backslash: the next byte is escaped
			else if (byte === 0x22) inString = false;
		} else if (byte === 0x22) {
			inString = true;
		} else if (byte === 0x5b || byte === 0x7b) {
			depth += 1;
			if (depth > maxDepth) throw new TooDeepError(maxDepth);
		} else if (byte === 0x5d || byte === 0x7d) {
			depth -= 1;
		}
	}
}

/** UTF-16 code units of valid UTF-8 (what a JavaScript string's length counts). */
export function utf16Length(bytes: Uint8Array, start: number, end: number): number {
	let units = 0;
	for (let i = start; i < end; i++) {
		const byte = bytes[i] as number;
		if (byte < 0x80 || (byte >= 0xc0 && byte < 0xf0)) units += 1;
		else if (byte >= 0xf0) units += 2;
	}
	return units;
}
