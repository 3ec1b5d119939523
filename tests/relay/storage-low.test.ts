// Below its free-space floor the relay takes no new room and no growth ("not now", 4507),
// and keeps serving what it holds.
import { expect, test } from 'vitest';
import {
	committedSpace,
	health,
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

test('below the free-space floor: a new room and an update get 4507 storage-low, a member still reads', async () => {
	const dataDir = tempDir('low');
	const room = randomRoomId();
	const token = randomToken();
	const first = await startTestRelay({ dataDir });
	const founder = makeClient(first.syncUrl, room, token);
	await waitForSynced(founder);
	founder.doc.getMap<number>('stock').set('rice', 12);
	await waitFor(async () => metric(await metricsText(first), 'relay_updates_persisted_total') > 0, 'the edit to be stored');
	founder.destroy();
	await first.close();

	// No disk has this much free: the floor is reached at once.
	const relay = await startTestRelay({ dataDir, minFreeBytes: 2 ** 52 });
	expect((await health(relay)).status).toBe('storage-low');

	// A member reads what the room holds.
	const member = makeClient(relay.syncUrl, room, token);
	await waitForSynced(member);
	await waitFor(() => member.doc.getMap('stock').get('rice') === 12, 'the member to read the room');

	// Its edit is refused, not now: the stock client comes back later by itself.
	const refused = nextClose(member);
	member.doc.getMap<number>('stock').set('flour', 30);
	expect(await refused).toEqual({ code: 4507, reason: 'storage-low' });

	// A new room is not claimed, even by a member device with everything a claim needs.
	const space = committedSpace();
	const newcomer = makeClient(relay.syncUrl, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
	expect(await nextClose(newcomer)).toEqual({ code: 4507, reason: 'storage-low' });
	newcomer.destroy();

	// Another member still reads, and the refused edit was stored nowhere.
	const reader = makeClient(relay.syncUrl, room, token);
	await waitForSynced(reader);
	expect(reader.doc.getMap('stock').get('rice')).toBe(12);
	expect(reader.doc.getMap('stock').has('flour')).toBe(false);
	const text = await metricsText(relay);
	expect(metric(text, 'relay_refusals_total', { reason: 'storage-low' })).toBeGreaterThanOrEqual(2);
	expect(metric(text, 'relay_updates_persisted_total')).toBe(0);
	member.destroy();
	await relay.close();

	// Space again: the same edit is taken.
	const later = await startTestRelay({ dataDir });
	const back = makeClient(later.syncUrl, room, token);
	await waitForSynced(back);
	back.doc.getMap<number>('stock').set('flour', 30);
	const check = makeClient(later.syncUrl, room, token);
	await waitFor(() => check.doc.getMap('stock').get('flour') === 30, 'the edit to be taken once there is space');
}, 60_000);
