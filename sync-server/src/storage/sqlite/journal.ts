// The update journal: where an update lands first. Appending to a SQLite table costs a
// transaction per event-loop turn (B-tree work, page checksums, locks and several writes
// to its log); appending a record to a plain file costs one write(). So the relay writes
// each turn's updates to the journal, in one write, and fans them out; the store folds
// them into SQLite in batches a little later, and a restart folds in whatever a crash
// left behind. Records carry their sequence numbers, so folding one twice is harmless.
//
// Two files take turns. Once the active one has grown past a size, writing moves to the
// other; the old one is emptied once everything in it is folded and SQLite's log is on
// disk, so that a power cut never finds an update in neither place.
//
// Format: a file is a run of batches, one per write. A batch is its body's length (u32),
// the body's CRC-32 (u32), and the body: records of room id length (u16), room id
// (UTF-8), sequence number (f64, an integer), data length (u32), data. A batch that is
// cut short or fails its checksum is skipped, and reading goes on at the next offset where
// a whole batch starts: after a power cut the end of a file can be torn (nothing written
// after an unsynced write was ever acknowledged), but a damaged byte in the middle must
// not take the acknowledged batches after it along.
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

export interface JournalRecord {
	roomId: string;
	seq: number;
	data: Uint8Array;
}

const BATCH_HEADER = 8;
const RECORD_FIXED = 2 + 8 + 4;
/** A batch's body, at most; a larger declared length marks a damaged file. */
const MAX_BODY = 2 ** 31;

export function encodeBatch(records: readonly JournalRecord[]): Buffer {
	const ids = records.map((record) => Buffer.from(record.roomId, 'utf8'));
	let size = BATCH_HEADER;
	records.forEach((record, i) => (size += RECORD_FIXED + (ids[i] as Buffer).length + record.data.byteLength));
	const batch = Buffer.allocUnsafe(size);
	let at = BATCH_HEADER;
	records.forEach((record, i) => {
		const id = ids[i] as Buffer;
		at = batch.writeUInt16LE(id.length, at);
		at += id.copy(batch, at);
		at = batch.writeDoubleLE(record.seq, at);
		at = batch.writeUInt32LE(record.data.byteLength, at);
		batch.set(record.data, at);
		at += record.data.byteLength;
	});
	const body = batch.subarray(BATCH_HEADER);
	batch.writeUInt32LE(body.length, 0);
	batch.writeUInt32LE(crc32(body), 4);
	return batch;
}

/** Bytes of a journal file that hold no whole batch. */
export interface SkippedBytes {
	offset: number;
	bytes: number;
}

export interface DecodedBatches {
	records: JournalRecord[];
	/** Where the last whole batch ends. */
	length: number;
	/** Unreadable stretches, in order; one that reaches the end of the file is its torn end. */
	skipped: SkippedBytes[];
}

/**
 * The records of every whole batch in `bytes`. A stretch that is not one (a damaged
 * byte, a torn end) is skipped: reading goes on at the next offset where a batch's length
 * and checksum hold, so that one bad sector does not take every later update with it.
 */
export function decodeBatches(bytes: Buffer): DecodedBatches {
	const records: JournalRecord[] = [];
	const skipped: SkippedBytes[] = [];
	let at = 0;
	let length = 0;
	while (at < bytes.length) {
		const batch = batchAt(bytes, at);
		if (batch !== null) {
			records.push(...batch.records);
			at = batch.end;
			length = at;
			continue;
		}
		// Damage in a body leaves its length to say where the next batch is; that is tried
		// first, so that bytes inside a body (a client's update) are never read as a batch
		// of their own. Otherwise any offset may start the next one.
		const declaredEnd = at + BATCH_HEADER <= bytes.length ? at + BATCH_HEADER + bytes.readUInt32LE(at) : bytes.length;
		let next = at + 1;
		if (declaredEnd < bytes.length && batchAt(bytes, declaredEnd) !== null) {
			next = declaredEnd;
		} else {
			while (next + BATCH_HEADER <= bytes.length && batchAt(bytes, next) === null) next += 1;
		}
		if (next + BATCH_HEADER > bytes.length) next = bytes.length;
		skipped.push({ offset: at, bytes: next - at });
		at = next;
	}
	return { records, length, skipped };
}

/** The whole batch starting at `at`, if its length, checksum and records hold. */
function batchAt(bytes: Buffer, at: number): { records: JournalRecord[]; end: number } | null {
	if (at + BATCH_HEADER > bytes.length) return null;
	const bodyLength = bytes.readUInt32LE(at);
	const end = at + BATCH_HEADER + bodyLength;
	if (bodyLength === 0 || bodyLength > MAX_BODY || end > bytes.length) return null;
	const body = bytes.subarray(at + BATCH_HEADER, end);
	if (crc32(body) !== bytes.readUInt32LE(at + 4)) return null;
	const records = decodeBody(body);
	return records === null ? null : { records, end };
}

function decodeBody(body: Buffer): JournalRecord[] | null {
	const records: JournalRecord[] = [];
	let at = 0;
	while (at < body.length) {
		if (at + RECORD_FIXED > body.length) return null;
		const idLength = body.readUInt16LE(at);
		const idEnd = at + 2 + idLength;
		if (idEnd + 12 > body.length) return null;
		const roomId = body.toString('utf8', at + 2, idEnd);
		const seq = body.readDoubleLE(idEnd);
		const dataLength = body.readUInt32LE(idEnd + 8);
		const dataStart = idEnd + 12;
		if (!Number.isSafeInteger(seq) || seq < 1 || dataStart + dataLength > body.length) return null;
		records.push({ roomId, seq, data: new Uint8Array(body.subarray(dataStart, dataStart + dataLength)) });
		at = dataStart + dataLength;
	}
	return records;
}

interface JournalFile {
	path: string;
	fd: number;
	/** Bytes of whole batches: where the next one goes. */
	size: number;
}

/** What recovery could not read in one journal file. */
export interface JournalDamage {
	file: string;
	/** Where the whole file was copied before being emptied (null if the copy failed). */
	copy: string | null;
	skipped: SkippedBytes[];
	/** Only the end was unreadable: a write torn by a power cut, never acknowledged. */
	tornEnd: boolean;
	/** Records read from the file nonetheless. */
	records: number;
}

export const DEFAULT_JOURNAL_SWITCH_BYTES = 4 * 1024 * 1024;

/** Which of the two files. */
export type JournalFileIndex = 0 | 1;

/** Writes bytes at a position, like fs.writeSync; a test may give one that fails as a full disk does. */
export type JournalWrite = (fd: number, buffer: Buffer, offset: number, length: number, position: number) => number;

/** The two journal files of a data directory. */
export class Journal {
	readonly #files: [JournalFile, JournalFile];
	#active: JournalFileIndex = 0;
	/** The other file, once writing has left it and until it is emptied. */
	#retiring: JournalFileIndex | null = null;
	readonly #write: JournalWrite;

	/** Opens the journal files of a data directory, creating them if need be. */
	constructor(
		dataDir: string,
		private readonly switchBytes = DEFAULT_JOURNAL_SWITCH_BYTES,
		write: JournalWrite = fs.writeSync
	) {
		this.#write = write;
		const open = (name: string): JournalFile => ({
			path: path.join(dataDir, name),
			fd: fs.openSync(path.join(dataDir, name), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600),
			size: 0
		});
		this.#files = [open('journal-a'), open('journal-b')];
	}

	/**
	 * Hands every whole record the files hold to `fold`, which must have them on disk
	 * elsewhere when it returns, then empties the files (and syncs that).
	 */
	recover(fold: (records: JournalRecord[]) => void, damaged: (damage: JournalDamage) => void = () => {}): void {
		const records: JournalRecord[] = [];
		const copies: Array<{ file: JournalFile; bytes: Buffer; damage: JournalDamage }> = [];
		for (const file of this.#files) {
			const bytes = fs.readFileSync(file.fd);
			const decoded = decodeBatches(bytes);
			records.push(...decoded.records);
			// Zeros at the end are what a power cut leaves of a write whose data never landed.
			const lost = decoded.skipped.filter((gap) => bytes.subarray(gap.offset, gap.offset + gap.bytes).some((b) => b !== 0));
			if (lost.length === 0) continue;
			const tornEnd = lost.length === 1 && lost[0]!.offset + lost[0]!.bytes === bytes.length;
			copies.push({ file, bytes, damage: { file: file.path, copy: null, skipped: lost, tornEnd, records: decoded.records.length } });
		}
		if (records.length > 0) fold(records);
		// The file is about to be emptied: what could not be read is kept aside, for whoever
		// can make sense of it, rather than lost without a trace.
		for (const { file, bytes, damage } of copies) {
			const copy = `${file.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
			try {
				fs.writeFileSync(copy, bytes, { mode: 0o600, flag: 'wx' });
				damage.copy = copy;
			} catch {
				// No room for the copy: the report still says what was skipped.
			}
			damaged(damage);
		}
		this.clear();
	}

	/** Empties both files, and syncs that; what they held must be safe elsewhere. */
	clear(): void {
		for (const file of this.#files) {
			fs.ftruncateSync(file.fd, 0);
			fs.fsyncSync(file.fd);
			file.size = 0;
		}
		this.#active = 0;
		this.#retiring = null;
	}

	/**
	 * Writes one batch to the active file and says which file that was; throws (and
	 * nothing counts as written) on failure. Once the file has grown past the switch size,
	 * and the other one is empty, the next batch goes to the other.
	 */
	append(records: readonly JournalRecord[]): JournalFileIndex {
		const index = this.#active;
		const file = this.#files[index];
		const batch = encodeBatch(records);
		let written = 0;
		try {
			while (written < batch.length) {
				written += this.#write(file.fd, batch, written, batch.length - written, file.size + written);
			}
		} catch (error) {
			// A full disk may have taken part of the batch: back to the end of the last whole
			// one, so that the next batch follows it directly and every later one stays
			// readable. Should that fail too, the next write starts there all the same.
			try {
				fs.ftruncateSync(file.fd, file.size);
			} catch {
				// The next batch overwrites the partial bytes from the same offset.
			}
			throw error;
		}
		file.size += batch.length;
		if (file.size >= this.switchBytes && this.#retiring === null) {
			this.#retiring = index;
			this.#active = index === 0 ? 1 : 0;
		}
		return index;
	}

	/** The descriptor of a file, to sync it. */
	fd(index: JournalFileIndex): number {
		return this.#files[index].fd;
	}

	/** The file writing has left, which is emptied once all its records are folded and on disk. */
	get retiring(): JournalFileIndex | null {
		return this.#retiring;
	}

	/**
	 * Empties the retiring file; its records must be folded into SQLite and synced. If
	 * that fails, it stays as it is: nothing is lost, writing goes on in the other file
	 * (which then grows past the switch size), and the next start folds both in again.
	 */
	emptyRetiring(): void {
		if (this.#retiring === null) return;
		const file = this.#files[this.#retiring];
		try {
			fs.ftruncateSync(file.fd, 0);
		} catch {
			return;
		}
		file.size = 0;
		this.#retiring = null;
	}

	close(): void {
		for (const file of this.#files) fs.closeSync(file.fd);
	}
}
