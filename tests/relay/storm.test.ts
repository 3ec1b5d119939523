import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import * as Y from 'yjs';
import { ensureRelayBuilt, freePort, startRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { makeClient, randomRoomId, randomToken, tempDir, waitFor, waitForSynced, type TestClient } from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

const CLIENTS = 8;
const ROOMS = 3;
const WRITE_EVERY_MS = 15;

/** The room's document as SQLite holds it: snapshot and log, read apart from the relay. */
function storedDoc(dataDir: string, room: string): Y.Doc {
	const db = new Database(join(dataDir, 'relay.sqlite'), { readonly: true });
	try {
		const snapshot = db.prepare<[string], { data: Buffer }>('SELECT data FROM snapshots WHERE room_id = ?').get(room);
		const log = db.prepare<[string], { data: Buffer }>('SELECT data FROM updates WHERE room_id = ? ORDER BY seq').all(room);
		const doc = new Y.Doc();
		for (const row of [...(snapshot ? [snapshot] : []), ...log]) Y.applyUpdate(doc, new Uint8Array(row.data));
		return doc;
	} finally {
		db.close();
	}
}

const editsOf = (doc: Y.Doc): string[] => doc.getArray<string>('edits').toArray().slice().sort();

test('clients writing through a SIGKILL and restart of the relay lose nothing', async () => {
	// In Node every stock provider listens for the process's exit; eleven at once is expected.
	const listeners = process.getMaxListeners();
	process.setMaxListeners(listeners + CLIENTS + ROOMS);
	onTestFinished(() => void process.setMaxListeners(listeners));
	const dataDir = tempDir('storm');
	const port = await freePort();
	let relay: RelayProcess = await startRelayProcess({ port, dataDir });
	onTestFinished(() => void relay.kill('SIGKILL'));
	const syncUrl = `ws://127.0.0.1:${port}/sync`;
	const rooms = Array.from({ length: ROOMS }, () => ({ id: randomRoomId(), token: randomToken() }));

	const clients: Array<TestClient & { room: number; written: string[] }> = [];
	for (let n = 0; n < CLIENTS; n++) {
		const room = n % ROOMS;
		const client = makeClient(syncUrl, rooms[room]!.id, rooms[room]!.token);
		clients.push({ ...client, room, written: [] });
	}
	await Promise.all(clients.map((client) => waitForSynced(client)));

	// Every client appends its own numbered edits, connected or not, until told to stop.
	let writing = true;
	const writers = clients.map(async (client, n) => {
		for (let seq = 0; writing; seq++) {
			const edit = `client ${n} edit ${seq}`;
			client.doc.getArray<string>('edits').push([edit]);
			client.written.push(edit);
			await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS));
		}
	});
	const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

	await pause(1000);
	// No goodbye, no flush: whatever was in flight is lost to the relay, not to the clients.
	expect(await relay.kill('SIGKILL')).toBeNull();
	await pause(700);
	relay = await startRelayProcess({ port, dataDir });
	await waitFor(() => clients.every((client) => client.provider.synced), 'every client to reconnect by itself', 20_000);
	await pause(700);
	writing = false;
	await Promise.all(writers);

	for (let room = 0; room < ROOMS; room++) {
		const members = clients.filter((client) => client.room === room);
		const expected = members.flatMap((client) => client.written).sort();
		await waitFor(
			() => members.every((client) => client.doc.getArray('edits').length === expected.length),
			`every client of room ${room} to have its ${expected.length} edits`,
			20_000
		);
		for (const client of members) expect(editsOf(client.doc)).toEqual(expected);
		// A device that was never there gets them all from the relay…
		const newcomer = makeClient(syncUrl, rooms[room]!.id, rooms[room]!.token);
		await waitForSynced(newcomer);
		expect(editsOf(newcomer.doc)).toEqual(expected);
		// …because SQLite holds them all, once the journal's last ones are folded in.
		await waitFor(
			() => editsOf(storedDoc(dataDir, rooms[room]!.id)).length === expected.length,
			`SQLite to hold the ${expected.length} edits of room ${room}`
		);
		expect(editsOf(storedDoc(dataDir, rooms[room]!.id))).toEqual(expected);
	}
	const total = clients.reduce((sum, client) => sum + client.written.length, 0);
	console.info(`${total} edits by ${CLIENTS} clients in ${ROOMS} rooms, through one SIGKILL`);
}, 90_000);
