// Damage to the relay's files is survived, said and shown: a damaged journal gives back
// every batch it still holds whole and keeps a copy, a room whose stored data cannot be
// read is listed by /healthz, and a damaged database is flagged at start.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import { ensureRelayBuilt, startRelayProcess } from '../support/relay-process.js';
import {
	makeClient,
	metric,
	metricsText,
	nextClose,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

/** Where each batch of a journal file starts. */
function batchOffsets(file: Buffer): number[] {
	const offsets: number[] = [];
	for (let at = 0; at + 8 <= file.length; at += 8 + file.readUInt32LE(at)) offsets.push(at);
	return offsets;
}

test('a flipped byte in the middle of the journal: the later batches are recovered, the skip is logged, the file is kept', async () => {
	const dataDir = tempDir('journal');
	// Folds wait a minute: the edits are in the journal only, as after a crash a moment later.
	const relay = await startTestRelay({ dataDir, storage: openSqliteStorage({ dataDir, foldIntervalMs: 60_000 }) });
	const room = randomRoomId();
	const token = randomToken();
	const watcher = makeClient(relay.syncUrl, room, token);
	await waitForSynced(watcher);
	const ledger = watcher.doc.getMap<number>('ledger');
	// Five devices, one edit each: five batches, each one readable without the others.
	for (let n = 1; n <= 5; n++) {
		const device = makeClient(relay.syncUrl, room, token);
		await waitForSynced(device);
		device.doc.getMap<number>('ledger').set(`entry ${n}`, n * 10);
		await waitFor(() => ledger.get(`entry ${n}`) === n * 10, `edit ${n} to go round`);
		device.destroy();
	}

	// The files as a relay killed now leaves them, then one byte of the third edit's batch flipped.
	const crashed = tempDir('crashed');
	for (const name of ['relay.sqlite', 'relay.sqlite-wal', 'journal-a', 'journal-b']) {
		copyFileSync(join(dataDir, name), join(crashed, name));
	}
	const journal = readFileSync(join(crashed, 'journal-a'));
	const offsets = batchOffsets(journal);
	expect(offsets.length).toBeGreaterThanOrEqual(5);
	const victim = offsets[offsets.length - 3] as number;
	const victimEnd = offsets[offsets.length - 2] as number;
	const flipped = Buffer.from(journal);
	const at = victim + Math.floor((victimEnd - victim) / 2);
	flipped[at] = (flipped[at] as number) ^ 0x5a;
	writeFileSync(join(crashed, 'journal-a'), flipped);
	await relay.close();

	const restarted = await startRelayProcess({ dataDir: crashed });
	onTestFinished(() => void restarted.kill('SIGKILL'));
	const reader = makeClient(`ws://127.0.0.1:${restarted.port}/sync`, room, token);
	await waitForSynced(reader);
	const read = reader.doc.getMap<number>('ledger');
	await waitFor(() => read.get('entry 5') === 50, 'the batches after the damage to be recovered');
	expect(read.get('entry 4')).toBe(40);
	expect(read.get('entry 2')).toBe(20);
	expect(read.has('entry 3')).toBe(false);

	const line = restarted
		.output()
		.split('\n')
		.find((entry) => entry.includes('journal damaged'));
	expect(line, restarted.output()).toBeDefined();
	const logged = JSON.parse(line as string) as { file: string; skipped: Array<{ offset: number; bytes: number }>; copy: string };
	expect(logged.file).toBe(join(crashed, 'journal-a'));
	expect(logged.skipped).toEqual([{ offset: victim, bytes: victimEnd - victim }]);
	const copies = readdirSync(crashed).filter((name) => name.startsWith('journal-a.damaged-'));
	expect(copies).toHaveLength(1);
	expect(readFileSync(join(crashed, copies[0] as string)).equals(flipped)).toBe(true);
	expect(logged.copy).toBe(join(crashed, copies[0] as string));

	const health = (await (await fetch(`http://127.0.0.1:${restarted.port}/healthz`)).json()) as {
		journalDamage?: Array<{ file: string; bytesSkipped: number }>;
	};
	expect(health.journalDamage).toEqual([
		expect.objectContaining({ file: 'journal-a', bytesSkipped: victimEnd - victim, tornEnd: false })
	]);
	expect(await restarted.kill('SIGTERM')).toBe(0);
}, 60_000);

test('/healthz lists a room whose stored data cannot be loaded; the others work', async () => {
	const dataDir = tempDir('unloadable');
	const first = await startTestRelay({ dataDir });
	const broken = randomRoomId();
	const fine = randomRoomId();
	const token = randomToken();
	for (const [n, room] of [broken, fine].entries()) {
		const client = makeClient(first.syncUrl, room, token);
		await waitForSynced(client);
		client.doc.getMap('stock').set('rice', 12);
		const stored = async (): Promise<boolean> => metric(await metricsText(first), 'relay_updates_persisted_total') > n;
		await waitFor(stored, 'the edit to be stored');
		client.destroy();
	}
	await first.close();

	// A bad sector in the room's stored document.
	const db = new Database(join(dataDir, 'relay.sqlite'));
	const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
	db.prepare('UPDATE updates SET data = ? WHERE room_id = ?').run(garbage, broken);
	db.prepare('UPDATE snapshots SET data = ? WHERE room_id = ?').run(garbage, broken);
	db.close();

	const relay = await startTestRelay({ dataDir });
	const victim = makeClient(relay.syncUrl, broken, token);
	const closed = await nextClose(victim);
	expect(closed.code).toBe(1011);
	const other = makeClient(relay.syncUrl, fine, token);
	await waitForSynced(other);
	const health = await fetch(`${relay.httpUrl}/healthz`);
	const body = (await health.json()) as { status: string; roomsFailed?: { count: number; ids: string[] } };
	expect(health.status).toBe(200);
	expect(body.status).toBe('rooms-failed');
	expect(body.roomsFailed).toEqual({ count: 1, ids: [broken] });
}, 60_000);

test('a damaged database file is flagged at start: logged, and /healthz answers 503 database-damaged', async () => {
	const dataDir = tempDir('damaged-db');
	const seed = openSqliteStorage({ dataDir });
	for (let n = 0; n < 300; n++) await seed.claimRoom(`salle-${n}`, `hash-${n}`.padEnd(64, 'x'));
	await seed.claimRoom('big', 'hash');
	for (let n = 0; n < 100; n++) await seed.appendUpdate('big', new Uint8Array(1500).fill(n));
	await seed.close();
	// A bad sector halfway through the file.
	const file = readFileSync(join(dataDir, 'relay.sqlite'));
	const page = Math.floor(file.length / 4096 / 2);
	file.fill(0x77, page * 4096, page * 4096 + 100);
	writeFileSync(join(dataDir, 'relay.sqlite'), file);

	const relay = await startRelayProcess({ dataDir });
	onTestFinished(() => void relay.kill('SIGKILL'));
	expect(relay.output()).toMatch(/database damaged \(PRAGMA quick_check\)/);
	const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
	expect(health.status).toBe(503);
	const body = (await health.json()) as { status: string; databaseProblems?: string[] };
	expect(body.status).toBe('database-damaged');
	expect(body.databaseProblems?.length).toBeGreaterThan(0);
}, 60_000);
