import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import {
	captureStoredAcks,
	covers,
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
		const lastSeq = db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM rooms WHERE id = ?').get(room);
		return { log: log?.n ?? 0, snapshotSeq: snapshot?.seq_upto ?? null, lastSeq: lastSeq?.last_seq ?? 0 };
	} finally {
		db.close();
	}
}

test('a long log is folded into a snapshot, and new clients still get the whole document', async () => {
	const relay = await startTestRelay({ compactAfterUpdates: 50 });
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token, { ack: true });
	const acks = captureStoredAcks(writer);
	await waitForSynced(writer);

	const ledger = writer.doc.getArray<{ amount: number }>('ledger');
	// One transaction each: 120 separate updates, so 120 log entries.
	for (let n = 1; n <= 120; n++) ledger.push([{ amount: n }]);
	await waitFor(() => acks.some((sv) => covers(sv, writer.doc)), 'all 120 updates to be stored');

	const counts = storedCounts(relay.dataDir, room);
	expect(counts.lastSeq).toBe(120);
	// Compacted once the log passed 50 entries. Updates are stored in batches, so a
	// compaction may fold more than the entries that made it due; the rest stay in the log.
	expect(counts.snapshotSeq).toBeGreaterThanOrEqual(50);
	expect(counts.log).toBe(120 - counts.snapshotSeq!);
	const metrics = await fetch(`${relay.httpUrl}/metrics`).then((r) => r.text());
	expect(Number(/^relay_compactions_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);

	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getArray('ledger').length === 120, 'the reader to get all 120 entries');
	const total = reader.doc.getArray<{ amount: number }>('ledger').toArray().reduce((sum, e) => sum + e.amount, 0);
	expect(total).toBe((120 * 121) / 2);

	// After a restart on the same data, the room is rebuilt from snapshot plus log.
	await relay.close();
	const again = await startTestRelay({ dataDir: relay.dataDir, compactAfterUpdates: 50 });
	const late = makeClient(again.syncUrl, room, token);
	await waitForSynced(late);
	expect(late.doc.getArray('ledger').length).toBe(120);
});
