/**
 * A small bundle as a sequence of QR codes, for two phones with no network and
 * no way to pass a file: one shows the codes one after the other, the other
 * reads them with its camera in any order, as often as they come round, and
 * has the bundle once it has read each one. The bundle itself is checked as a
 * file is (space, damage, member), so a frame needs no protection of its own
 * beyond knowing which sequence it belongs to.
 *
 * A frame is text: `PSRL1 <sequence> <index>/<total> <base64url of a slice>`,
 * the sequence being the first 16 characters of the bundle's SHA-256.
 */
import { digest } from 'lib0/hash/sha256';
import { toBase64Url } from '../domain/core/ids';

const PREFIX = 'PSRL1';
/** Bytes of bundle per frame: about 540 characters, a QR code a phone's camera reads at arm's length. */
export const FRAME_BYTES = 400;
/** Beyond this, a sequence takes too long to show and read: the file is the way. */
export const MAX_QR_BYTES = 12_000;

function sequenceOf(bytes: Uint8Array): string {
	return toBase64Url(digest(bytes)).slice(0, 16);
}

function fromBase64Url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	try {
		const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
		return Uint8Array.from(binary, (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
}

/** The frames of a bundle; an empty list when it is too large for QR codes. */
export function toFrames(bytes: Uint8Array, frameBytes = FRAME_BYTES): string[] {
	if (bytes.length === 0 || bytes.length > MAX_QR_BYTES) return [];
	const sequence = sequenceOf(bytes);
	const total = Math.ceil(bytes.length / frameBytes);
	const frames: string[] = [];
	for (let index = 0; index < total; index++) {
		frames.push(`${PREFIX} ${sequence} ${index + 1}/${total} ${toBase64Url(bytes.subarray(index * frameBytes, (index + 1) * frameBytes))}`);
	}
	return frames;
}

export type FrameOutcome =
	| { status: 'progress'; have: number; total: number }
	| { status: 'complete'; bytes: Uint8Array; total: number }
	/** Not a frame of ours (another QR code), or one of another sequence than the one being read. */
	| { status: 'refused'; reason: 'not_a_frame' | 'other_sequence' }
	/** Every frame read, but together they are not the bundle they name: read them again. */
	| { status: 'damaged' };

const FRAME = new RegExp(`^${PREFIX} ([A-Za-z0-9_-]{16}) (\\d{1,4})/(\\d{1,4}) ([A-Za-z0-9_-]+)$`);

/** Gathers the frames of one sequence, in whatever order and however often they are read. */
export class FrameCollector {
	#sequence: string | null = null;
	#total = 0;
	readonly #parts = new Map<number, Uint8Array>();

	add(text: string): FrameOutcome {
		const match = FRAME.exec(text.trim());
		if (!match) return { status: 'refused', reason: 'not_a_frame' };
		const [, sequence, indexText, totalText, data] = match as unknown as [string, string, string, string, string];
		const index = Number(indexText);
		const total = Number(totalText);
		const part = fromBase64Url(data);
		if (total < 1 || index < 1 || index > total || part === null || part.length === 0 || part.length > FRAME_BYTES * 4) return { status: 'refused', reason: 'not_a_frame' };
		if (this.#sequence === null) {
			this.#sequence = sequence;
			this.#total = total;
		} else if (sequence !== this.#sequence || total !== this.#total) {
			return { status: 'refused', reason: 'other_sequence' };
		}
		this.#parts.set(index, part);
		if (this.#parts.size < this.#total) return { status: 'progress', have: this.#parts.size, total: this.#total };
		const size = [...this.#parts.values()].reduce((sum, bytes) => sum + bytes.length, 0);
		const bytes = new Uint8Array(size);
		let offset = 0;
		for (let i = 1; i <= this.#total; i++) {
			const slice = this.#parts.get(i)!;
			bytes.set(slice, offset);
			offset += slice.length;
		}
		if (sequenceOf(bytes) !== this.#sequence) {
			this.reset();
			return { status: 'damaged' };
		}
		return { status: 'complete', bytes, total: this.#total };
	}

	/** The frames not read yet, by number (1-based). */
	missing(): number[] {
		const out: number[] = [];
		for (let i = 1; i <= this.#total; i++) if (!this.#parts.has(i)) out.push(i);
		return out;
	}

	reset(): void {
		this.#sequence = null;
		this.#total = 0;
		this.#parts.clear();
	}
}
