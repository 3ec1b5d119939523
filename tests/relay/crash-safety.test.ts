// One client must never stop the relay: a refused frame or a failed commit closes
// sockets, never the process, and whoever comes back later loses nothing.
import { readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as encoding from 'lib0/encoding';
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { bytes, generator } from '../../src/lib/testing/random.js';
import { decodeBatches, type JournalWrite } from '../../sync-server/src/storage/sqlite/journal.js';
import { inlineMerger, type UpdateMerger } from '../../sync-server/src/rooms/merger.js';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import { ensureRelayBuilt, startRelayProcess } from '../support/relay-process.js';
import {
	makeClient,
	metric,
	metricsText,
	nextClose,
	pairedReadToken,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

function envelope(...parts: Array<number | Uint8Array>): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const part of parts) {
		if (typeof part === 'number') encoding.writeVarUint(encoder, part);
		else encoding.writeVarUint8Array(encoder, part);
	}
	return encoding.toUint8Array(encoder);
}

/** A raw socket that has heard the relay's first message. */
async function rawSocket(url: string): Promise<WebSocket> {
	const socket = new WebSocket(url);
	socket.on('error', () => {});
	onTestFinished(() => socket.terminate());
	await new Promise<void>((resolve, reject) => {
		socket.once('message', () => resolve());
		socket.once('close', (code) => reject(new Error(`closed with ${code} before the relay spoke`)));
	});
	return socket;
}

test('an update followed by a malformed frame, while the outbox waits on a big merge, closes one socket and not the relay', async () => {
	const relay = await startRelayProcess();
	onTestFinished(() => void relay.kill('SIGKILL'));
	const syncUrl = `ws://127.0.0.1:${relay.port}/sync`;
	const httpUrl = `http://127.0.0.1:${relay.port}`;
	const room = randomRoomId();
	const token = randomToken();

	// A room of 3 MiB: answering a sync step 1 that is not empty goes through the merge worker.
	const owner = makeClient(syncUrl, room, token);
	await waitForSynced(owner);
	owner.doc.getMap('files').set('scan', bytes(generator(3), 3 * 1024 * 1024));
	owner.doc.getMap('notes').set('first', 'assemblée');
	await waitFor(async () => metric(await metricsText({ httpUrl }), 'relay_updates_persisted_total') >= 1, 'the big update to be stored');

	const url = `${syncUrl}/${room}?token=${token}&readToken=${pairedReadToken(token)}`;
	const known = new Y.Doc();
	known.getMap('x').set('y', 1);
	const step1 = envelope(0, 0, Y.encodeStateVector(known));
	for (let round = 0; round < 4; round++) {
		const [reader, attacker] = await Promise.all([rawSocket(url), rawSocket(url)]);
		const attackerClosed = new Promise<number>((resolve) => attacker.once('close', (code) => resolve(code)));
		const edit = new Y.Doc();
		edit.getMap('notes').set(`attack ${round}`, 'x');
		reader.send(step1);
		await new Promise((resolve) => setTimeout(resolve, 2));
		attacker.send(envelope(0, 2, Y.encodeStateAsUpdate(edit)));
		attacker.send(new Uint8Array([0xff, 0xff, 0xff]));
		expect(await attackerClosed).toBe(1003);
		reader.terminate();
	}

	// Still up, and not by luck: no rejection went unhandled.
	expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
	const text = await metricsText({ httpUrl });
	expect(metric(text, 'relay_errors_total', { where: 'unhandled-rejection' })).toBe(0);
	expect(relay.output()).not.toMatch(/unexpected error/);

	// Others still sync, the room's data intact.
	const other = makeClient(syncUrl, room, token);
	await waitForSynced(other);
	await waitFor(() => other.doc.getMap('notes').get('first') === 'assemblée', 'the room to reach a new device');
	owner.doc.getMap('notes').set('second', 'après');
	await waitFor(() => other.doc.getMap('notes').get('second') === 'après', 'a new edit to reach the other device');
	expect((other.doc.getMap('files').get('scan') as Uint8Array).byteLength).toBe(3 * 1024 * 1024);
	expect(await relay.kill('SIGTERM')).toBe(0);
}, 60_000);

/** A disk that fills up on demand: a write then takes part of its bytes, and the next one fails. */
function fillableDisk(): { full: boolean; write: JournalWrite; failures: number } {
	const disk = {
		full: false,
		failures: 0,
		write(fd: number, buffer: Buffer, offset: number, length: number, position: number): number {
			if (!disk.full) return writeSync(fd, buffer, offset, length, position);
			if (length > 16 && disk.failures === 0) {
				disk.failures += 1;
				// The last few free blocks: part of the batch reaches the file.
				return writeSync(fd, buffer, offset, Math.floor(length / 2), position);
			}
			disk.failures += 1;
			throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
		}
	};
	return disk;
}

/** The merge worker's work, held until the test lets it go: the room's outbox waits meanwhile. */
function heldMerger(): { merger: UpdateMerger; holding(): number; release(): void } {
	let held = true;
	const waiting: Array<() => void> = [];
	const gate = (): Promise<void> => (held ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve());
	const release = (): void => {
		held = false;
		for (const resolve of waiting.splice(0)) resolve();
	};
	onTestFinished(release);
	return {
		merger: {
			...inlineMerger,
			diff: async (updates, stateVector) => {
				await gate();
				return inlineMerger.diff(updates, stateVector);
			}
		},
		holding: () => waiting.length,
		release
	};
}

test('a full disk fails the commit: the writer is closed with 1011, the relay goes on, the journal keeps only whole batches, and the edit arrives once there is space', async () => {
	const dataDir = tempDir('full');
	const disk = fillableDisk();
	const held = heldMerger();
	const relay = await startTestRelay({
		dataDir,
		merger: held.merger,
		storage: openSqliteStorage({ dataDir, journalWrite: disk.write })
	});
	const room = randomRoomId();
	const token = randomToken();
	const writer = makeClient(relay.syncUrl, room, token);
	const watcher = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(writer), waitForSynced(watcher)]);
	writer.doc.getMap('stock').set('rice', 12);
	await waitFor(() => watcher.doc.getMap('stock').get('rice') === 12, 'the first edit to arrive');
	const journalBefore = statSync(join(dataDir, 'journal-a')).size;

	// Another device's sync step 1 makes the room's outbox wait on a merge.
	const known = new Y.Doc();
	known.getMap('x').set('y', 1);
	const reader = await rawSocket(`${relay.syncUrl}/${room}?token=${token}&readToken=${pairedReadToken(token)}`);
	reader.send(envelope(0, 0, Y.encodeStateVector(known)));
	await waitFor(() => held.holding() > 0, 'the outbox to wait on the merge');

	disk.full = true;
	const closed = nextClose(writer);
	writer.doc.getMap('stock').set('flour', 30);
	await waitFor(() => disk.failures > 0, 'the journal write to fail');
	// The commit failed while nobody listened to its outcome yet.
	await new Promise((resolve) => setTimeout(resolve, 50));
	held.release();
	expect((await closed).code).toBe(1011);

	// Only whole batches stay: the partial bytes of the failed write are gone.
	const journal = readFileSync(join(dataDir, 'journal-a'));
	expect(journal.length).toBe(journalBefore);
	expect(decodeBatches(journal).length).toBe(journal.length);
	expect((await fetch(`${relay.httpUrl}/healthz`)).status).toBe(200);
	expect(watcher.doc.getMap('stock').has('flour')).toBe(false);

	// Space again: the stock client reconnects by itself and sends its edit again.
	disk.full = false;
	await waitFor(() => watcher.doc.getMap('stock').get('flour') === 30, 'the edit to arrive once there is space', 15_000);
	await relay.close();

	// And it is stored: a restart finds it.
	const again = await startTestRelay({ dataDir });
	const late = makeClient(again.syncUrl, room, token);
	await waitForSynced(late);
	await waitFor(() => late.doc.getMap('stock').get('flour') === 30, 'a restart to find the edit');
	expect(late.doc.getMap('stock').get('rice')).toBe(12);
}, 60_000);

test('whatever escapes every handler is logged and counted, and the relay goes on', async () => {
	// Loaded into the relay process before it starts: on a signal, a stray rejection and a
	// stray exception, as a bug in some corner would leave them.
	const preload = join(tempDir('preload'), 'stray.mjs');
	writeFileSync(
		preload,
		`process.on('SIGUSR2', () => {
			Promise.reject(new Error('stray rejection'));
			setImmediate(() => { throw new Error('stray exception'); });
		});`
	);
	const relay = await startRelayProcess({ env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` } });
	onTestFinished(() => void relay.kill('SIGKILL'));
	void relay.kill('SIGUSR2');
	const httpUrl = `http://127.0.0.1:${relay.port}`;
	await waitFor(async () => {
		const text = await metricsText({ httpUrl });
		return (
			metric(text, 'relay_errors_total', { where: 'unhandled-rejection' }) === 1 &&
			metric(text, 'relay_errors_total', { where: 'uncaught-exception' }) === 1
		);
	}, 'both to be counted');
	// The log lines come through the child's stdout, which may lag the counters a little.
	const logged = /"where":"unhandled-rejection","error":"stray rejection"/;
	await waitFor(() => logged.test(relay.output()) && relay.output().includes('"where":"uncaught-exception"'), 'both to be logged');
	expect(relay.output()).toMatch(/"where":"unhandled-rejection","error":"stray rejection"/);
	expect(relay.output()).toMatch(/"where":"uncaught-exception","error":"stray exception"/);
	expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
	const room = randomRoomId();
	const token = randomToken();
	const client = makeClient(`ws://127.0.0.1:${relay.port}/sync`, room, token);
	await waitForSynced(client);
	expect(await relay.kill('SIGTERM')).toBe(0);
}, 30_000);
