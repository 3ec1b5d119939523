import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { MemoryStorage } from '../../sync-server/src/storage/memory-storage.js';
import {
	committedSpace,
	hashOf,
	health,
	makeClient,
	metric,
	metricsText,
	nextClose,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced,
	type TestRelay
} from './helpers.js';

interface Outcome {
	status: number | null;
	code: number | null;
	reason: string;
	/** The subprotocol the relay answered. */
	protocol: string;
}

/** One raw connection: how the relay ended it (an HTTP status, or a close code). */
function connect(url: string, protocols: string[] = [], headers: Record<string, string> = {}): Promise<Outcome> {
	return new Promise((resolve) => {
		const outcome: Outcome = { status: null, code: null, reason: '', protocol: '' };
		const socket = new WebSocket(url, protocols, { headers });
		socket.on('error', () => {});
		socket.on('unexpected-response', (_request, response) => {
			outcome.status = response.statusCode ?? null;
			response.resume();
			socket.terminate();
		});
		socket.on('open', () => {
			outcome.protocol = socket.protocol;
			// A claim that went through stays open: the test has seen enough.
			setTimeout(() => socket.close(), 200);
		});
		socket.on('close', (code, reason) => {
			if (outcome.status === null) {
				outcome.code = code;
				outcome.reason = reason.toString();
			}
			resolve(outcome);
		});
	});
}

async function probe(relay: TestRelay, room: string, token: string): Promise<{ access?: string }> {
	const response = await fetch(`${relay.httpUrl}/sync/${room}`, { headers: { Authorization: `Bearer ${token}` } });
	return (await response.json()) as { access?: string };
}

test('a read-only device arriving first cannot claim a room; the member then does, and the reader gets in as a reader', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();

	// The wall screen opens its read-only link before any member has reached the relay.
	const screen = makeClient(relay.syncUrl, room, readToken, { readToken: null });
	const refused = await nextClose(screen);
	expect(refused).toEqual({ code: 4401, reason: 'claim-refused' });
	expect(await storage.roomAccess(room)).toBeNull();
	expect(await probe(relay, room, readToken)).toEqual({ access: 'unclaimed' });
	// 4401 is final for the stock client: it does not hammer the relay.
	await waitFor(() => screen.provider.wsconnected === false && screen.provider.shouldConnect === false, 'the screen to stop');
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'claim-refused' })).toBe(1);

	const member = makeClient(relay.syncUrl, room, token, { readToken });
	await waitForSynced(member);
	member.doc.getMap('fund').set('balance', 420);
	expect(await storage.roomAccess(room)).toEqual({
		tokenHash: hashOf(token),
		readonlyTokenHash: hashOf(readToken),
		recoveryHash: null
	});

	const again = makeClient(relay.syncUrl, room, readToken, { readToken: null });
	await waitFor(() => again.doc.getMap('fund').get('balance') === 420, 'the reader to receive the data');
	expect(await probe(relay, room, readToken)).toEqual({ access: 'read' });
	expect(await probe(relay, room, token)).toEqual({ access: 'member' });
});

test('a room id that commits to its claim secret is claimed by its member only; forgeries are refused and store nothing', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const space = committedSpace();
	const url = `${relay.syncUrl}/${space.roomId}`;
	const tokens = ['passerelle.2', `t.${randomToken()}`, `r.${randomToken()}`];

	// Someone who knows the id (it is in every invite, read-only ones too) but not the claim secret.
	const forged = await connect(url, [...tokens, `c.${randomToken()}`, `v.${space.recoveryHash}`]);
	expect(forged).toMatchObject({ code: 4401, reason: 'claim-refused', protocol: 'passerelle.2' });
	// The right claim secret does not bind another recovery hash to the room.
	const otherRecovery = hashOf(randomToken());
	expect(await connect(url, [...tokens, `c.${space.claim}`, `v.${otherRecovery}`])).toMatchObject({ code: 4401 });
	// Both tokens but no claim secret, as a legacy member would come.
	expect(await connect(url, tokens)).toMatchObject({ code: 4401 });
	// A read-only device knows neither the claim secret nor the member token.
	expect(await connect(url, ['passerelle.2', `t.${space.readToken}`])).toMatchObject({ code: 4401 });
	// The query form obeys the same rule.
	expect(await connect(`${url}?token=${space.token}&readToken=${space.readToken}`)).toMatchObject({ code: 4401 });
	expect(await storage.roomAccess(space.roomId)).toBeNull();
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'claim-refused' })).toBe(5);

	// The member device, which holds the claim secret, claims it; the relay keeps the recovery hash.
	const member = makeClient(relay.syncUrl, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
	await waitForSynced(member);
	expect(await storage.roomAccess(space.roomId)).toEqual({
		tokenHash: hashOf(space.token),
		readonlyTokenHash: hashOf(space.readToken),
		recoveryHash: space.recoveryHash
	});
	// Once claimed, the room is entered with a token alone, as before.
	const reader = makeClient(relay.syncUrl, space.roomId, space.readToken, { readToken: null, header: true });
	await waitForSynced(reader);
	expect(await probe(relay, space.roomId, space.readToken)).toEqual({ access: 'read' });
});

test('a claim with short tokens is refused', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage });
	const room = randomRoomId();
	const short = 'x'.repeat(31);
	expect(await connect(`${relay.syncUrl}/${room}?token=a&readToken=b`)).toMatchObject({ code: 4401 });
	expect(await connect(`${relay.syncUrl}/${room}`, ['passerelle.2', `t.${short}`, `r.${randomToken()}`])).toMatchObject({
		code: 4401
	});
	expect(await connect(`${relay.syncUrl}/${room}`, ['passerelle.2', `t.${randomToken()}`, 'r.short'])).toMatchObject({
		code: 4401
	});
	expect(await storage.roomAccess(room)).toBeNull();
	const ok = await connect(`${relay.syncUrl}/${room}`, ['passerelle.2', `t.${'x'.repeat(32)}`, `r.${randomToken()}`]);
	expect(ok).toMatchObject({ code: 1005, protocol: 'passerelle.2' });
	expect(await storage.roomAccess(room)).not.toBeNull();
});

test('with a claim key, a new room needs it (4402); rooms already held do not', async () => {
	const claimKey = 'atelier-nord_cle-de-claim-2026';
	const storage = new MemoryStorage();
	const relay = await startTestRelay({ storage, claimKey });
	const space = committedSpace();
	const url = `${relay.syncUrl}/${space.roomId}`;
	const member = ['passerelle.2', `t.${space.token}`, `r.${space.readToken}`, `c.${space.claim}`, `v.${space.recoveryHash}`];

	expect(await connect(url, member)).toMatchObject({ code: 4402, reason: 'claim-key-required' });
	expect(await connect(url, [...member, `k.${claimKey}x`])).toMatchObject({ code: 4402 });
	expect(await connect(`${url}?token=${space.token}&readToken=${space.readToken}`)).toMatchObject({ code: 4402 });
	expect(await storage.roomAccess(space.roomId)).toBeNull();
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'claim-key-required' })).toBe(3);

	const client = makeClient(relay.syncUrl, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		claimKey,
		header: true
	});
	await waitForSynced(client);
	client.doc.getMap('m').set('k', 1);
	// A device without the key joins the room it knows.
	const other = makeClient(relay.syncUrl, space.roomId, space.token, { header: true });
	await waitFor(() => other.doc.getMap('m').get('k') === 1, 'a member without the key to sync');
});

test('one address claims a bounded number of new rooms an hour (4529), and keeps using the rooms it has', async () => {
	const storage = new MemoryStorage();
	// The default: nothing set.
	const relay = await startTestRelay({ storage });
	const token = randomToken();
	const rooms = Array.from({ length: 20 }, () => randomRoomId());
	for (const room of rooms) {
		expect(await connect(`${relay.syncUrl}/${room}?token=${token}&readToken=${randomToken()}`)).toMatchObject({
			code: 1005
		});
	}
	const extra = randomRoomId();
	const refused = await connect(`${relay.syncUrl}/${extra}?token=${token}&readToken=${randomToken()}`);
	expect(refused).toMatchObject({ code: 4529, reason: 'too-many-new-rooms' });
	expect(await storage.roomAccess(extra)).toBeNull();
	expect(metric(await metricsText(relay), 'relay_refusals_total', { reason: 'too-many-new-rooms' })).toBe(1);
	// Rooms already claimed are not new.
	const back = makeClient(relay.syncUrl, rooms[0]!, token);
	await waitForSynced(back);
});

test('behind a trusted proxy, new rooms are counted per forwarded address', async () => {
	const relay = await startTestRelay({ maxNewRoomsPerAddress: 1, trustedProxies: ['127.0.0.1', '::1'] });
	const claim = (address: string): Promise<Outcome> =>
		connect(`${relay.syncUrl}/${randomRoomId()}`, ['passerelle.2', `t.${randomToken()}`, `r.${randomToken()}`], {
			'X-Forwarded-For': address
		});
	expect(await claim('198.51.100.4')).toMatchObject({ code: 1005 });
	expect(await claim('198.51.100.4')).toMatchObject({ code: 4529, reason: 'too-many-new-rooms' });
	expect(await claim('198.51.100.5')).toMatchObject({ code: 1005 });
	// IPv6: one subscriber's /64 is one budget, whatever address of it a claim comes from.
	expect(await claim('2001:db8:1:2::10')).toMatchObject({ code: 1005 });
	expect(await claim('2001:db8:1:2:ffff::99')).toMatchObject({ code: 4529, reason: 'too-many-new-rooms' });
	expect(await claim('2001:db8:1:3::10')).toMatchObject({ code: 1005 });
});

test('a claimed room that never received any data is deleted after the expiry; rooms with data stay', async () => {
	const storage = new MemoryStorage();
	const relay = await startTestRelay({
		storage,
		unusedRoomExpiryMs: 400,
		roomSweepIntervalMs: 100,
		idleUnloadMs: 100
	});
	const token = randomToken();
	const [empty, used, open] = [randomRoomId(), randomRoomId(), randomRoomId()];
	expect(await connect(`${relay.syncUrl}/${empty}?token=${token}&readToken=${randomToken()}`)).toMatchObject({
		code: 1005
	});
	const writer = makeClient(relay.syncUrl, used, token);
	await waitForSynced(writer);
	writer.doc.getMap('m').set('kept', true);
	await waitFor(async () => metric(await metricsText(relay), 'relay_updates_persisted_total') >= 1, 'the update to be stored');
	writer.destroy();
	// Claimed, never written, but someone is in it: it stays while it is in memory.
	const idle = makeClient(relay.syncUrl, open, token);
	await waitForSynced(idle);

	await waitFor(async () => (await storage.roomAccess(empty)) === null, 'the unused room to be deleted', 5000);
	await new Promise((resolve) => setTimeout(resolve, 600));
	expect(await storage.roomAccess(used)).not.toBeNull();
	expect(await storage.roomAccess(open)).not.toBeNull();
	expect(metric(await metricsText(relay), 'relay_rooms_expired_total')).toBe(1);
	expect((await health(relay)).status).toBe('ok');
	const reader = makeClient(relay.syncUrl, used, token);
	await waitFor(() => reader.doc.getMap('m').get('kept') === true, 'the data of the used room');
});

test('in the SQLite store too, only the claimed room that stored nothing expires, and its id can be claimed afresh', async () => {
	const relay = await startTestRelay({ unusedRoomExpiryMs: 300, roomSweepIntervalMs: 100, idleUnloadMs: 50 });
	const token = randomToken();
	const [empty, used] = [randomRoomId(), randomRoomId()];
	expect(await connect(`${relay.syncUrl}/${empty}?token=${token}&readToken=${randomToken()}`)).toMatchObject({
		code: 1005
	});
	const writer = makeClient(relay.syncUrl, used, token);
	await waitForSynced(writer);
	writer.doc.getMap('m').set('kept', true);
	await waitFor(async () => metric(await metricsText(relay), 'relay_updates_persisted_total') >= 1, 'the update to be stored');
	writer.destroy();

	await waitFor(async () => (await probe(relay, empty, token)).access === 'unclaimed', 'the unused room to go', 5000);
	await waitFor(async () => (await health(relay)).rooms === 0, 'every room to leave memory');
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(await probe(relay, used, token)).toEqual({ access: 'member' });
	const reader = makeClient(relay.syncUrl, used, token);
	await waitFor(() => reader.doc.getMap('m').get('kept') === true, 'the data of the used room');
	const again = makeClient(relay.syncUrl, empty, randomToken());
	await waitForSynced(again);
});
