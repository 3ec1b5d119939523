// The journal's file format: whole batches read back as written; a torn end or a damaged
// stretch is skipped, and reading goes on with the next whole batch.
import { crc32 } from 'node:zlib';
import { expect, test } from 'vitest';
import { decodeBatches, encodeBatch, type JournalRecord } from './journal.js';

const records: JournalRecord[] = [
	{ roomId: 'room-1', seq: 1, data: new Uint8Array([1, 2, 3]) },
	{ roomId: 'salle-é', seq: 2 ** 40, data: new Uint8Array(0) },
	{ roomId: 'room-1', seq: 2, data: new Uint8Array(70_000).fill(9) }
];

test('batches read back as written, in order', () => {
	const file = Buffer.concat([encodeBatch(records.slice(0, 2)), encodeBatch(records.slice(2))]);
	const read = decodeBatches(file);
	expect(read.length).toBe(file.length);
	expect(read.records).toEqual(records);
});

test('a batch cut short anywhere is left out, with what follows it', () => {
	const first = encodeBatch(records.slice(0, 1));
	const second = encodeBatch(records.slice(1));
	for (const cut of [1, 7, 8, 20, second.length - 1]) {
		const read = decodeBatches(Buffer.concat([first, second.subarray(0, cut)]));
		expect(read.records).toEqual(records.slice(0, 1));
		expect(read.length).toBe(first.length);
	}
});

test('a damaged byte fails the checksum: that batch is left out, the ones after it are read', () => {
	const batches = [encodeBatch(records.slice(0, 1)), encodeBatch(records.slice(1, 2)), encodeBatch(records.slice(2))];
	const file = Buffer.concat(batches);
	const first = (batches[0] as Buffer).length;
	const second = (batches[1] as Buffer).length;
	// In a body, in a checksum, in a length: each time the next batch is found again.
	for (const at of [first + 12, first + 5, first + 1]) {
		const damaged = Buffer.from(file);
		damaged[at] = (damaged[at] as number) ^ 0xff;
		const read = decodeBatches(damaged);
		expect(read.records, `byte ${at}`).toEqual([records[0], records[2]]);
		expect(read.skipped).toEqual([{ offset: first, bytes: second }]);
		expect(read.length).toBe(file.length);
	}
});

test('garbage between batches is skipped, and a torn end is reported as such', () => {
	const garbage = Buffer.from('not a batch at all, whatever it says');
	const a = encodeBatch(records.slice(0, 1));
	const b = encodeBatch(records.slice(2));
	const read = decodeBatches(Buffer.concat([a, garbage, b, garbage]));
	expect(read.records).toEqual([records[0], records[2]]);
	expect(read.skipped).toEqual([
		{ offset: a.length, bytes: garbage.length },
		{ offset: a.length + garbage.length + b.length, bytes: garbage.length }
	]);
	expect(read.length).toBe(a.length + garbage.length + b.length);
});

test('zeros, an empty file and nonsense lengths read as no batch', () => {
	expect(decodeBatches(Buffer.alloc(0)).records).toEqual([]);
	expect(decodeBatches(Buffer.alloc(4096)).records).toEqual([]);
	const huge = Buffer.alloc(16);
	huge.writeUInt32LE(0xffffffff, 0);
	expect(decodeBatches(huge)).toEqual({ records: [], length: 0, skipped: [{ offset: 0, bytes: 16 }] });
});

test('a batch whose checksum holds but whose records do not add up is left out', () => {
	// A record declaring more data than its batch holds, with a valid checksum over it.
	const batch = encodeBatch([{ roomId: 'r', seq: 1, data: new Uint8Array([1, 2, 3, 4]) }]);
	const body = Buffer.from(batch.subarray(8));
	body.writeUInt32LE(1000, 2 + 1 + 8);
	const forged = Buffer.alloc(8 + body.length);
	forged.writeUInt32LE(body.length, 0);
	forged.writeUInt32LE(crc32(body), 4);
	body.copy(forged, 8);
	expect(decodeBatches(forged).records).toEqual([]);
});
