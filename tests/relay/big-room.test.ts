import { onTestFinished, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { openSqliteStorage } from '../../sync-server/src/storage/sqlite/sqlite-open.js';
import { hashToken } from '../../sync-server/src/access/token.js';
import {
	makeClient,
	metric,
	metricsText,
	randomRoomId,
	randomToken,
	startTestRelay,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

/** A long log of small edits by a few members: slow to merge, as a busy room's log is. */
function busyLog(entries: number): Uint8Array[] {
	const members = [new Y.Doc(), new Y.Doc(), new Y.Doc(), new Y.Doc()];
	const updates: Uint8Array[] = [];
	for (const member of members) member.on('update', (update: Uint8Array) => updates.push(update));
	for (let n = 0; updates.length < entries; n++) {
		const member = members[n % members.length]!;
		member.transact(() => {
			const ledger = member.getArray<unknown>('ledger');
			for (let k = 0; k < 60; k++) {
				ledger.insert(Math.floor(ledger.length / 2), [{ n, k, amount: k * 2.5, label: `écriture ${k}` }]);
			}
			member.getText('minutes').insert(0, `point ${n} `);
		});
	}
	return updates;
}

test('while a big room is loaded and compacted, another room’s round trips stay fast', async () => {
	// What the merge costs on one thread: the time every room would wait if it ran here.
	// The log grows until that is long enough to matter on this machine, however fast.
	let updates: Uint8Array[] = [];
	let inlineMergeMs = 0;
	for (let entries = 1500; inlineMergeMs <= 300 && entries <= 12_000; entries *= 2) {
		updates = busyLog(entries);
		const started = performance.now();
		Y.mergeUpdates(updates);
		inlineMergeMs = performance.now() - started;
	}

	const dataDir = tempDir('big');
	const bigRoom = randomRoomId();
	const token = randomToken();
	const seed = openSqliteStorage({ dataDir });
	await seed.claimRoom(bigRoom, hashToken(token));
	for (const update of updates) await seed.appendUpdate(bigRoom, update);
	await seed.close();

	const relay = await startTestRelay({ dataDir, compactAfterUpdates: 100 });
	const room = randomRoomId();
	const alice = makeClient(relay.syncUrl, room, token);
	const bob = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(alice), waitForSynced(bob)]);

	// A raw socket opens the big room (a Y client would apply the room in this process,
	// which is also the relay's): loading merges the log, and the long log gets compacted.
	const big = new WebSocket(`${relay.syncUrl}/${bigRoom}?token=${token}`);
	big.on('error', () => {});
	onTestFinished(() => big.terminate());
	await new Promise((resolve) => big.once('open', resolve));

	const roundTrips: number[] = [];
	for (let n = 0; ; n++) {
		const sent = performance.now();
		alice.doc.getMap('pings').set('n', n);
		await waitFor(() => bob.doc.getMap('pings').get('n') === n, 'the ping to cross', 10_000);
		roundTrips.push(performance.now() - sent);
		if (metric(await metricsText(relay), 'relay_compactions_total') >= 1) break;
	}
	const compactionSeconds = metric(await metricsText(relay), 'relay_compaction_duration_seconds_sum');
	const slowest = Math.max(...roundTrips);
	// The merge is long enough to matter, and the round trips ran while the room was being
	// loaded and compacted (with the merges on the event loop, only one gets through)…
	expect(inlineMergeMs).toBeGreaterThan(300);
	expect(roundTrips.length).toBeGreaterThanOrEqual(3);
	// …and none of them waited for a merge.
	expect(slowest).toBeLessThan(Math.max(200, inlineMergeMs / 2));
	console.info(
		`merge on one thread ${inlineMergeMs.toFixed(0)} ms, compaction ${(compactionSeconds * 1000).toFixed(0)} ms, ` +
			`${roundTrips.length} round trips meanwhile, slowest ${slowest.toFixed(0)} ms`
	);
}, 60_000);
