// A site relay chained to a relay on the internet, both real relays on loopback, with a
// TCP link between them that the test cuts for real.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import type { Logger } from '../../sync-server/src/logger.js';
import { CuttableLink } from '../support/cuttable-link.js';
import { freePort } from '../support/relay-process.js';
import { committedSpace, health, makeClient, metric, metricsText, pairedReadToken, randomRoomId, randomToken, startTestRelay, tempDir, waitFor, waitForSynced, type TestRelay } from './helpers.js';

interface Chained {
	upstream: TestRelay;
	site: TestRelay;
	link: CuttableLink;
	logs: string[];
}

function recordingLogger(lines: string[]): Logger {
	const keep = (level: string) => (fields: object, msg: string) => void lines.push(JSON.stringify({ level, msg, ...fields }));
	return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

async function chained(siteDataDir = tempDir('site')): Promise<Chained> {
	const logs: string[] = [];
	const upstream = await startTestRelay({ logger: recordingLogger(logs) });
	const link = await CuttableLink.open(await freePort(), upstream.port);
	onTestFinished(() => link.cut());
	const site = await startTestRelay({ dataDir: siteDataDir, logger: recordingLogger(logs), upstream: { url: `ws://127.0.0.1:${link.port}`, maxLinks: 10 } });
	return { upstream, site, link, logs };
}

async function chain(site: TestRelay, room: string, token: string, body: object = { readToken: pairedReadToken(token) }): Promise<Response> {
	return fetch(`${site.httpUrl}/rooms/${room}/upstream`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body)
	});
}

async function linkReport(site: TestRelay, room: string, token: string): Promise<{ state?: string; behind?: number | null; advice?: string | null }> {
	const response = await fetch(`${site.httpUrl}/rooms/${room}/upstream`, { headers: { Authorization: `Bearer ${token}` } });
	return (await response.json()) as { state?: string; behind?: number | null };
}

async function linkState(site: TestRelay, room: string, token: string): Promise<string | undefined> {
	return (await linkReport(site, room, token)).state;
}

test('1,000 changes made on the site while the internet is down reach the upstream when it returns, and changes made in town come down', async () => {
	const { upstream, site, link, logs } = await chained();
	const room = randomRoomId();
	const token = randomToken();
	const phone = makeClient(site.syncUrl, room, token);
	await waitForSynced(phone);
	phone.doc.getMap('space').set('name', 'Atelier occupé');

	const response = await chain(site, room, token);
	expect(response.status).toBe(200);
	await waitFor(async () => (await linkState(site, room, token)) === 'connected', 'the link to connect');
	const town = makeClient(upstream.syncUrl, room, token);
	await waitForSynced(town);
	await waitFor(() => town.doc.getMap('space').get('name') === 'Atelier occupé', 'what the site held to go up');

	await link.cut();
	await waitFor(async () => (await linkState(site, room, token)) !== 'connected', 'the link to notice the cut');
	const list = phone.doc.getArray<number>('stock');
	for (let n = 0; n < 1000; n++) list.push([n]);
	await new Promise((done) => setTimeout(done, 300));
	expect(town.doc.getArray('stock').length).toBe(0);
	// Stored on the site, not yet acknowledged by the upstream: the site says what waits for the internet.
	expect(await linkReport(site, room, token)).toMatchObject({ state: 'waiting', advice: 'waiting-for-internet' });
	expect((await linkReport(site, room, token)).behind).toBeGreaterThanOrEqual(1000);

	const back = Date.now();
	await link.restore();
	await waitFor(() => town.doc.getArray('stock').length === 1000, 'the 1,000 changes to reach the upstream', 20_000);
	const took = Date.now() - back;
	expect(town.doc.getArray<number>('stock').toArray()).toEqual(Array.from({ length: 1000 }, (_, n) => n));
	console.log(`1,000 changes queued on the site reached the upstream ${took} ms after the link returned`);
	await waitFor(async () => (await linkReport(site, room, token)).behind === 0, 'the upstream to acknowledge all of it');

	town.doc.getMap('space').set('town', 'written in town');
	await waitFor(() => phone.doc.getMap('space').get('town') === 'written in town', 'a change made in town to come down');
	// What came down from the upstream is held there: nothing waits for the internet.
	await new Promise((done) => setTimeout(done, 300));
	expect((await linkReport(site, room, token)).behind).toBe(0);

	const state = (await health(site)) as unknown as { upstream?: { rooms: number; connected: number } };
	expect(state.upstream).toMatchObject({ rooms: 1, connected: 1 });
	expect(metric(await metricsText(site), 'relay_upstream_links', { state: 'connected' })).toBe(1);
	// Never the token, anywhere it could leak: the logs and the links file.
	const everything = logs.join('\n') + readFileSync(join(site.dataDir, 'upstream-links.json'), 'utf8');
	expect(everything).not.toContain(token);
	expect(everything).not.toContain(pairedReadToken(token));
	expect(statSync(join(site.dataDir, 'upstream.key')).mode & 0o777).toBe(0o600);
});

test('chaining survives a restart of the site relay', async () => {
	const dataDir = tempDir('site-restart');
	const first = await chained(dataDir);
	const room = randomRoomId();
	const token = randomToken();
	const phone = makeClient(first.site.syncUrl, room, token);
	await waitForSynced(phone);
	expect((await chain(first.site, room, token)).status).toBe(200);
	await waitFor(async () => (await linkState(first.site, room, token)) === 'connected', 'the link to connect');
	phone.destroy();
	await first.site.close();

	const logs: string[] = [];
	const site = await startTestRelay({ dataDir, logger: recordingLogger(logs), upstream: { url: `ws://127.0.0.1:${first.link.port}`, maxLinks: 10 } });
	await waitFor(async () => (await linkState(site, room, token)) === 'connected', 'the link to come back by itself');
	const again = makeClient(site.syncUrl, room, token);
	await waitForSynced(again);
	again.doc.getMap('space').set('after', 'restart');
	const town = makeClient(first.upstream.syncUrl, room, token);
	await waitFor(() => town.doc.getMap('space').get('after') === 'restart', 'a change after the restart to reach the upstream');
});

test('only a member chains a room or stops it; a reader may look; bad requests are refused', async () => {
	const { site } = await chained();
	const plain = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const phone = makeClient(site.syncUrl, room, token);
	await waitForSynced(phone);
	const url = `${site.httpUrl}/rooms/${room}/upstream`;
	expect((await fetch(url, { method: 'POST' })).status).toBe(401);
	expect((await chain(site, room, randomToken())).status).toBe(403);
	expect((await chain(site, room, pairedReadToken(token))).status).toBe(403);
	expect((await chain(site, randomRoomId(), token)).status).toBe(404);
	expect((await chain(site, room, token, { readToken: 'not a token' })).status).toBe(400);
	expect((await chain(plain, room, token)).status).toBe(404);
	// Asked by every phone: a relay without UPSTREAM answers plainly that it has none.
	const none = await fetch(`${plain.httpUrl}/rooms/${room}/upstream`, { headers: { Authorization: `Bearer ${token}` } });
	expect([none.status, await none.json()]).toEqual([200, { upstream: false, chained: false }]);
	const reading = await fetch(url, { headers: { Authorization: `Bearer ${pairedReadToken(token)}` } });
	expect(await reading.json()).toEqual({ chained: false });

	expect((await chain(site, room, token)).status).toBe(200);
	await waitFor(async () => (await linkState(site, room, token)) === 'connected', 'the link to connect');
	const stop = await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
	expect(await stop.json()).toEqual({ chained: false });
	expect(await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json()).toEqual({ chained: false });
});

test('a relay chained to itself refuses the link, and two relays chained to each other fall silent', async () => {
	const port = await freePort();
	const self = await startTestRelay({ port, upstream: { url: `ws://127.0.0.1:${port}`, maxLinks: 10 } });
	const room = randomRoomId();
	const token = randomToken();
	const phone = makeClient(self.syncUrl, room, token);
	await waitForSynced(phone);
	expect((await chain(self, room, token)).status).toBe(200);
	await waitFor(async () => metric(await metricsText(self), 'relay_upgrades_refused_total', { reason: 'loop' }) > 0, 'the loop to be refused');
	expect(await linkState(self, room, token)).not.toBe('connected');

	// A and B, each the other's upstream.
	const [portA, portB] = [await freePort(), await freePort()];
	const a = await startTestRelay({ port: portA, upstream: { url: `ws://127.0.0.1:${portB}`, maxLinks: 10 } });
	const b = await startTestRelay({ port: portB, upstream: { url: `ws://127.0.0.1:${portA}`, maxLinks: 10 } });
	const onA = makeClient(a.syncUrl, room, token);
	await waitForSynced(onA);
	expect((await chain(a, room, token)).status).toBe(200);
	await waitFor(async () => (await linkState(a, room, token)) === 'connected', 'A to link to B');
	expect((await chain(b, room, token)).status).toBe(200);
	await waitFor(async () => (await linkState(b, room, token)) === 'connected', 'B to link to A');
	const onB = makeClient(b.syncUrl, room, token);
	await waitForSynced(onB);
	for (let n = 0; n < 20; n++) onA.doc.getArray<number>('loop').push([n]);
	await waitFor(() => onB.doc.getArray('loop').length === 20, 'the changes to reach B');
	await new Promise((done) => setTimeout(done, 500));
	const sent = async () => metric(await metricsText(a), 'relay_messages_sent_total') + metric(await metricsText(b), 'relay_messages_sent_total');
	const before = await sent();
	await new Promise((done) => setTimeout(done, 1500));
	expect(await sent()).toBe(before);
});

test('the parts of a chained space (its history archive) chain with it', async () => {
	const { upstream, site } = await chained();
	const room = randomRoomId();
	const token = randomToken();
	const phone = makeClient(site.syncUrl, room, token);
	await waitForSynced(phone);
	const archived = makeClient(site.syncUrl, `${room}.history`, token);
	await waitForSynced(archived);
	archived.doc.getArray<string>('activity').push(['before chaining']);
	expect((await chain(site, room, token)).status).toBe(200);
	const later = makeClient(site.syncUrl, `${room}.ledger2024`, token);
	await waitForSynced(later);
	later.doc.getArray<string>('entries').push(['after chaining']);

	const town = makeClient(upstream.syncUrl, `${room}.history`, token);
	await waitFor(() => town.doc.getArray('activity').length === 1, 'the archive loaded before chaining to go up');
	const townLedger = makeClient(upstream.syncUrl, `${room}.ledger2024`, token);
	await waitFor(() => townLedger.doc.getArray('entries').length === 1, 'a part opened after chaining to go up');
	const stop = await fetch(`${site.httpUrl}/rooms/${room}/upstream`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
	expect(stop.status).toBe(200);
	expect(metric(await metricsText(site), 'relay_upstream_links', { state: 'connected' })).toBe(0);
});

test('a space whose id commits to its claim secret is claimed upstream with it', async () => {
	const { upstream, site } = await chained();
	const space = committedSpace();
	const phone = makeClient(site.syncUrl, space.roomId, space.token, { readToken: space.readToken, claim: space.claim, recovery: space.recoveryHash });
	await waitForSynced(phone);
	phone.doc.getMap('space').set('name', 'Coopérative');
	// Without the claim secret the upstream cannot take a committed id: the link is refused.
	expect((await chain(site, space.roomId, space.token, { readToken: space.readToken })).status).toBe(200);
	await waitFor(async () => (await linkState(site, space.roomId, space.token)) === 'refused', 'the upstream to refuse the claim');
	expect(await linkReport(site, space.roomId, space.token)).toMatchObject({ advice: 'open-latest-invite' });
	expect((await chain(site, space.roomId, space.token, { readToken: space.readToken, claim: space.claim, recoveryHash: space.recoveryHash })).status).toBe(200);
	await waitFor(async () => (await linkState(site, space.roomId, space.token)) === 'connected', 'the link to claim the room upstream');
	const town = makeClient(upstream.syncUrl, space.roomId, space.token, { readToken: space.readToken });
	await waitFor(() => town.doc.getMap('space').get('name') === 'Coopérative', 'the space to reach the upstream');
});

test('a key change on the site reaches the upstream, now or when the internet returns; the old token opens neither', async () => {
	const { upstream, site, link } = await chained();
	const room = randomRoomId();
	const token = randomToken();
	const phone = makeClient(site.syncUrl, room, token);
	await waitForSynced(phone);
	expect((await chain(site, room, token)).status).toBe(200);
	await waitFor(async () => (await linkState(site, room, token)) === 'connected', 'the link to connect');

	// The internet is down when the lost phone's key is changed on the site.
	await link.cut();
	const next = randomToken();
	const rotated = await fetch(`${site.httpUrl}/rooms/${room}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ token: next, readToken: pairedReadToken(next) })
	});
	expect(rotated.status).toBe(200);
	const probe = async (relay: TestRelay, bearer: string) => (await fetch(`${relay.httpUrl}/sync/${room}`, { headers: { Authorization: `Bearer ${bearer}` } })).status;
	expect(await probe(site, token)).toBe(403);
	expect(await probe(upstream, token)).toBe(426);

	await link.restore();
	await waitFor(async () => (await probe(upstream, token)) === 403, 'the key change to reach the upstream', 20_000);
	expect(await probe(upstream, next)).toBe(426);
	await waitFor(async () => (await linkState(site, room, next)) === 'connected', 'the link to come back with the new key', 20_000);
	const fresh = makeClient(site.syncUrl, room, next);
	await waitForSynced(fresh);
	fresh.doc.getMap('space').set('after', 'rotation');
	const town = makeClient(upstream.syncUrl, room, next);
	await waitFor(() => town.doc.getMap('space').get('after') === 'rotation', 'a change after the key change to reach the upstream');
});

test('three relays chained in a circle carry a change around once and fall silent', async () => {
	const ports = [await freePort(), await freePort(), await freePort()];
	const relays: TestRelay[] = [];
	for (let i = 0; i < 3; i++) relays.push(await startTestRelay({ port: ports[i], upstream: { url: `ws://127.0.0.1:${ports[(i + 1) % 3]}`, maxLinks: 10 } }));
	const room = randomRoomId();
	const token = randomToken();
	const first = makeClient(relays[0]!.syncUrl, room, token);
	await waitForSynced(first);
	for (const relay of relays) {
		expect((await chain(relay, room, token)).status).toBe(200);
		await waitFor(async () => (await linkState(relay, room, token)) === 'connected', 'each link to connect');
	}
	const last = makeClient(relays[2]!.syncUrl, room, token);
	await waitForSynced(last);
	for (let n = 0; n < 30; n++) first.doc.getArray<number>('circle').push([n]);
	await waitFor(() => last.doc.getArray('circle').length === 30, 'the changes to go around');
	await new Promise((done) => setTimeout(done, 500));
	const stored = async () => {
		let total = 0;
		for (const relay of relays) total += metric(await metricsText(relay), 'relay_updates_persisted_total');
		return total;
	};
	const sent = async () => {
		let total = 0;
		for (const relay of relays) total += metric(await metricsText(relay), 'relay_messages_sent_total');
		return total;
	};
	const [storedBefore, sentBefore] = [await stored(), await sent()];
	await new Promise((done) => setTimeout(done, 1500));
	expect([await stored(), await sent()]).toEqual([storedBefore, sentBefore]);
});

test('with more rooms chained than links allowed, idle links make way and every room reaches the upstream', async () => {
	const upstream = await startTestRelay();
	const site = await startTestRelay({ upstream: { url: `ws://127.0.0.1:${upstream.port}`, maxLinks: 1 } });
	const rooms = [randomRoomId(), randomRoomId(), randomRoomId()];
	const token = randomToken();
	for (const [n, room] of rooms.entries()) {
		const phone = makeClient(site.syncUrl, room, token);
		await waitForSynced(phone);
		phone.doc.getMap('space').set('name', `Espace ${n}`);
		expect((await chain(site, room, token)).status).toBe(200);
		// The phone leaves: the room is idle on the site once its changes are up.
		await new Promise((done) => setTimeout(done, 200));
		phone.destroy();
	}
	for (const [n, room] of rooms.entries()) {
		const town = makeClient(upstream.syncUrl, room, token);
		await waitFor(() => town.doc.getMap('space').get('name') === `Espace ${n}`, `room ${n} to reach the upstream`, 30_000);
	}
	expect((await health(site)) as unknown).toMatchObject({ upstream: { rooms: 3 } });
	expect(metric(await metricsText(site), 'relay_upstream_links', { state: 'connected' })).toBeLessThanOrEqual(1);
});

test('with more rooms than links and phones staying on the site, the rooms take turns and each one’s changes reach the upstream', async () => {
	const upstream = await startTestRelay();
	// A short turn, so that several turns pass within the test.
	const site = await startTestRelay({ upstream: { url: `ws://127.0.0.1:${upstream.port}`, maxLinks: 1, turnMs: 1000 } });
	const rooms = [randomRoomId(), randomRoomId()];
	const token = randomToken();
	const phones = [];
	for (const room of rooms) {
		const phone = makeClient(site.syncUrl, room, token);
		await waitForSynced(phone);
		expect((await chain(site, room, token)).status).toBe(200);
		phones.push(phone);
	}
	const towns = rooms.map((room) => makeClient(upstream.syncUrl, room, token));
	try {
		// The phones never leave, so neither room is ever idle: each still gets its turn, twice.
		for (const round of [1, 2]) {
			for (const [n, phone] of phones.entries()) phone.doc.getMap('space').set('round', `${n}:${round}`);
			for (const [n, town] of towns.entries()) {
				await waitFor(() => town.doc.getMap('space').get('round') === `${n}:${round}`, `room ${n}, round ${round}, to reach the upstream`, 30_000);
			}
		}
		expect(metric(await metricsText(site), 'relay_upstream_links', { state: 'connected' })).toBeLessThanOrEqual(1);
	} finally {
		for (const client of [...phones, ...towns]) client.destroy();
	}
});
