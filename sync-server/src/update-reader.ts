// A cursor over an encoded Yjs update with the lib0 primitives Yjs writes (varUint,
// byte arrays, "any" values), reading nothing into objects: the splitter only needs to
// know where things start and end, and skipping is much cheaper than decoding.

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

	/** Skips one lib0 "any" value. */
	skipAny(): void {
		const type = this.byte();
		switch (type) {
			case 127: // undefined
			case 126: // null
			case 121: // false
			case 120: // true
				return;
			case 125: // varInt: continuation bit on every byte but the last
				while (this.byte() >= 0x80);
				return;
			case 124:
				return this.skip(4);
			case 123:
			case 122:
				return this.skip(8);
			case 119: // string
			case 116: // bytes
				this.skipBytes();
				return;
			case 118: {
				const entries = this.varUint();
				for (let i = 0; i < entries; i++) {
					this.skipBytes();
					this.skipAny();
				}
				return;
			}
			case 117: {
				const items = this.varUint();
				for (let i = 0; i < items; i++) this.skipAny();
				return;
			}
			default:
				throw new UnsplittableUpdateError(`unknown value type ${type}`);
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
