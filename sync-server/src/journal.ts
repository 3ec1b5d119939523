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
// (UTF-8), sequence number (f64, an integer), data length (u32), data. Reading stops at
// the first batch that is cut short or fails its checksum: after a power cut the end of a
// file can be torn, and nothing written after an unsynced write was ever acknowledged.
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

/** The records of the whole batches at the start of `bytes`, and how many bytes they take. */
export function decodeBatches(bytes: Buffer): { records: JournalRecord[]; length: number } {
	const records: JournalRecord[] = [];
	let at = 0;
	while (at + BATCH_HEADER <= bytes.length) {
		const bodyLength = bytes.readUInt32LE(at);
		const end = at + BATCH_HEADER + bodyLength;
		if (bodyLength === 0 || bodyLength > MAX_BODY || end > bytes.length) break;
		const body = bytes.subarray(at + BATCH_HEADER, end);
		if (crc32(body) !== bytes.readUInt32LE(at + 4)) break;
		const batch = decodeBody(body);
		if (batch === null) break;
		records.push(...batch);
		at = end;
	}
	return { records, length: at };
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
	fd: number;
	/** Bytes of whole batches: where the next one goes. */
	size: number;
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
			fd: fs.openSync(path.join(dataDir, name), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600),
			size: 0
		});
		this.#files = [open('journal-a'), open('journal-b')];
	}

	/**
	 * Hands every whole record the files hold to `fold`, which must have them on disk
	 * elsewhere when it returns, then empties the files (and syncs that).
	 */
	recover(fold: (records: JournalRecord[]) => void): void {
		const records: JournalRecord[] = [];
		for (const file of this.#files) records.push(...decodeBatches(fs.readFileSync(file.fd)).records);
		if (records.length > 0) fold(records);
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
