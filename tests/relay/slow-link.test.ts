import { onTestFinished, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import { hashToken } from '../../sync-server/src/access/token.js';
import { makeClient, randomRoomId, randomToken, startTestRelay, tempDir, waitFor } from './helpers.js';
import { ThrottledLink } from './throttled-link.js';

const MiB = 1024 * 1024;

/** A room of about `size` bytes from three members: long texts, lists of records, a map. */
function largeRoom(size: number): { updates: Uint8Array[]; doc: Y.Doc } {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	const members = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
	let written = 0;
	for (let round = 0; written < size; round++) {
		const member = members[round % members.length]!;
		const before = Y.encodeStateVector(member);
		member.transact(() => {
			member.getText('minutes').insert(0, `Assemblée ${round} — ${'procès-verbal '.repeat(20_000)}`);
			member.getArray('ledger').push(
				Array.from({ length: 2000 }, (_, n) => ({ round, n, amount: n * 1.5, label: `écriture ${n}` }))
			);
			member.getMap('resources').set(`r${round}`, { kind: 'equipment', note: 'x'.repeat(1000) });
		});
		const update = Y.encodeStateAsUpdate(member, before);
		updates.push(update);
		Y.applyUpdate(doc, update);
		written += update.byteLength;
	}
	return { updates, doc };
}

test('a large room reaches a client on a slow link in pieces, well within its silence timeout', async () => {
	// About 10 MiB at 2 MiB/s: five seconds on the wire. As one message, the client would
	// hear nothing for five seconds; with its timeout lowered to 3 s (the stock one is 30 s
	// against minutes on a real slow link) it would give up and start again, forever. In
	// pieces of 1 MiB, one arrives every half second, and the bound below leaves room for
	// a busy machine.
	const dataDir = tempDir('slow');
	const room = randomRoomId();
	const token = randomToken();
	const { updates, doc: source } = largeRoom(10 * MiB);
	const seed = openSqliteStorage({ dataDir });
	await seed.claimRoom(room, hashToken(token));
	for (const update of updates) await seed.appendUpdate(room, update);
	await seed.close();

	const relay = await startTestRelay({ dataDir });
	// Someone else opens the room first: what is measured below is the transfer over the
	// slow link, not how long the relay takes to load a room from disk.
	const first = new WebSocket(`${relay.syncUrl}/${room}?token=${token}`);
	first.on('error', () => {});
	onTestFinished(() => first.terminate());
	await new Promise((resolve) => first.once('message', resolve));

	const link = await ThrottledLink.open(relay.port, 2 * MiB);
	onTestFinished(() => link.close());
	const client = makeClient(`ws://127.0.0.1:${link.port}/sync`, room, token);
	const provider = client.provider;
	let connections = 0;
	provider.on('status', ({ status }) => {
		if (status === 'connected') connections += 1;
	});

	// The stock watchdog's logic with a 3 s timeout, and a record of the longest silence.
	const TIMEOUT_MS = 3000;
	let longestGap = 0;
	let watchdogFired = false;
	let last = provider.wsLastMessageReceived;
	const watchdog = setInterval(() => {
		const now = Date.now();
		if (provider.wsLastMessageReceived !== last) {
			last = provider.wsLastMessageReceived;
		}
		if (provider.wsconnected && !provider.synced) {
			longestGap = Math.max(longestGap, now - last);
			if (now - last > TIMEOUT_MS) {
				watchdogFired = true;
				provider.ws?.close();
			}
		}
	}, 20);
	onTestFinished(() => clearInterval(watchdog));

	await waitFor(() => provider.synced, 'the client to sync over the slow link', 40_000);
	clearInterval(watchdog);
	console.info(`longest silence ${longestGap} ms over ${connections} connection(s)`);
	expect(watchdogFired).toBe(false);
	expect(connections).toBe(1);
	expect(longestGap).toBeLessThan(2000);
	expect(client.doc.getText('minutes').length).toBe(source.getText('minutes').length);
	expect(client.doc.getArray('ledger').length).toBe(source.getArray('ledger').length);
	expect(Y.encodeStateVector(client.doc)).toEqual(Y.encodeStateVector(source));
	expect(client.doc.getMap('resources').toJSON()).toEqual(source.getMap('resources').toJSON());
}, 60_000);
