import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import {
	captureStoredAcks,
	covers,
	health,
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

interface Counts {
	log: number;
	snapshotSeq: number | null;
	lastSeq: number;
}

function storedCounts(dataDir: string, room: string): Counts {
	const db = new Database(join(dataDir, 'relay.sqlite'), { readonly: true });
	try {
		const log = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM updates WHERE room_id = ?').get(room);
		const snapshot = db
			.prepare<[string], { seq_upto: number }>('SELECT seq_upto FROM snapshots WHERE room_id = ?')
			.get(room);
		// The newest sequence number in the file: rooms.last_seq only catches up at compactions.
		const newest = db
			.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM updates WHERE room_id = ?')
			.get(room);
		const lastSeq = Math.max(newest?.seq ?? 0, snapshot?.seq_upto ?? 0);
		return { log: log?.n ?? 0, snapshotSeq: snapshot?.seq_upto ?? null, lastSeq };
	} finally {
		db.close();
	}
}

async function compactions(relay: { httpUrl: string }): Promise<number> {
	const text = await fetch(`${relay.httpUrl}/metrics`).then((r) => r.text());
	return Number(/^relay_compactions_total (\d+)$/m.exec(text)?.[1] ?? 0);
}

/**
 * A writer sets `entries` crates, one transaction each (one log entry each), waits until
 * they are stored and in SQLite's log table, and leaves; what it held is returned.
 */
async function writeAndLeave(relay: { syncUrl: string; dataDir: string }, room: string, token: string, entries: number) {
	const writer = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(writer);
	await waitForSynced(writer);
	for (let n = 0; n < entries; n++) writer.doc.getMap('stock').set(`crate ${n}`, n);
	await waitFor(() => acks.some((sv) => covers(sv, writer.doc)), 'the edits to be stored');
	// Stored means journaled; the rows reach SQLite's log table with the next fold.
	await waitFor(() => storedCounts(relay.dataDir, room).log === entries, 'the journal to be folded into the log');
	const stock = writer.doc.getMap('stock').toJSON();
	writer.destroy();
	return stock;
}

test('a long log is folded into a snapshot once the room is quiet, and new clients still get the whole document', async () => {
	const options = { compactAfterUpdates: 50, compactQuietMs: 200, compactMaxWaitMs: 60_000 };
	const relay = await startTestRelay(options);
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(writer);
	await waitForSynced(writer);

	const ledger = writer.doc.getArray<{ amount: number }>('ledger');
	// One transaction each: 120 separate updates, so 120 log entries.
	for (let n = 1; n <= 120; n++) ledger.push([{ amount: n }]);
	await waitFor(() => acks.some((sv) => covers(sv, writer.doc)), 'all 120 updates to be stored');

	// Due since the 50th entry; folded once the burst is over, all of it at once.
	await waitFor(() => storedCounts(relay.dataDir, room).snapshotSeq === 120, 'the log to be folded');
	expect(storedCounts(relay.dataDir, room).log).toBe(0);
	const counts = storedCounts(relay.dataDir, room);
	expect(counts.lastSeq).toBe(120);
	expect(counts.snapshotSeq).toBe(120);
	expect(await compactions(relay)).toBeGreaterThanOrEqual(1);

	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getArray('ledger').length === 120, 'the reader to get all 120 entries');
	const total = reader.doc.getArray<{ amount: number }>('ledger').toArray().reduce((sum, e) => sum + e.amount, 0);
	expect(total).toBe((120 * 121) / 2);

	// Numbering goes on after the snapshot, and after a restart on the same data the room
	// is rebuilt from snapshot plus log.
	writer.doc.getArray<{ amount: number }>('ledger').push([{ amount: 121 }]);
	await waitFor(() => storedCounts(relay.dataDir, room).lastSeq === 121, 'one more entry');
	expect(storedCounts(relay.dataDir, room)).toEqual({ log: 1, snapshotSeq: 120, lastSeq: 121 });
	writer.destroy();
	reader.destroy();
	await relay.close();
	const again = await startTestRelay({ dataDir: relay.dataDir, ...options });
	const late = makeClient(again.syncUrl, room, token);
	await waitForSynced(late);
	expect(late.doc.getArray('ledger').length).toBe(121);
});

test('a room that never pauses still has its log folded, at the latest after the maximum wait', async () => {
	const relay = await startTestRelay({ compactAfterUpdates: 20, compactQuietMs: 60_000, compactMaxWaitMs: 300 });
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token);
	await waitForSynced(writer);
	const list = writer.doc.getArray<number>('list');
	let n = 0;
	const writing = setInterval(() => list.push([n++]), 10);
	try {
		await waitFor(async () => (await compactions(relay)) >= 1, 'a compaction while writing goes on');
	} finally {
		clearInterval(writing);
	}
	const counts = storedCounts(relay.dataDir, room);
	expect(counts.snapshotSeq).toBeGreaterThanOrEqual(20);
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getArray('list').length === n, 'the reader to get every entry');
});

test('a room leaving memory folds a log of 100 entries, with a state vector, and comes back from the snapshot alone', async () => {
	const relay = await startTestRelay({ idleUnloadMs: 100 });
	const room = randomRoomId();
	const token = randomToken();
	// 100 log entries, under the 500 that make a log due on its own.
	const writerStock = await writeAndLeave(relay, room, token, 100);
	expect(storedCounts(relay.dataDir, room).snapshotSeq).toBeNull();

	await waitFor(() => storedCounts(relay.dataDir, room).log === 0, 'the log to be folded on unload');
	expect(storedCounts(relay.dataDir, room)).toEqual({ log: 0, snapshotSeq: 100, lastSeq: 100 });
	const db = new Database(join(relay.dataDir, 'relay.sqlite'), { readonly: true });
	try {
		const row = db
			.prepare<[string], { state_vector: Buffer | null }>('SELECT state_vector FROM snapshots WHERE room_id = ?')
			.get(room);
		expect(row?.state_vector).not.toBeNull();
	} finally {
		db.close();
	}
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	expect(reader.doc.getMap('stock').toJSON()).toEqual(writerStock);
});

test('a room leaving memory with a short log keeps it as it is, and comes back from the log alone', async () => {
	const relay = await startTestRelay({ idleUnloadMs: 100 });
	const room = randomRoomId();
	const token = randomToken();
	const writerStock = await writeAndLeave(relay, room, token, 5);

	await waitFor(async () => (await health(relay)).rooms === 0, 'the room to leave memory');
	expect(storedCounts(relay.dataDir, room)).toEqual({ log: 5, snapshotSeq: null, lastSeq: 5 });
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	expect(reader.doc.getMap('stock').toJSON()).toEqual(writerStock);
	// Back in memory, it takes more edits on top of the log it was read from.
	reader.doc.getMap('stock').set('crate 5', 5);
	const third = makeClient(relay.syncUrl, room, token);
	await waitFor(() => third.doc.getMap('stock').size === 6, 'a third client to get the new edit too');
});
