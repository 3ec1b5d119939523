// Figure 5 of bench:relay: phones coming back to rooms just written (the site's Wi-Fi is
// back), new devices one at a time and fifty at once, then fifty that hold the room but
// its last edit. The relay's CPU per sync is what the site relay's small computer pays.
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { closeClient, connectClient, fillMap, median, randomId, sleep, whenHolds, whenSent, whenSynced } from './load.mjs';
import { CONFIG } from './config.mjs';
import { fmt } from './table.mjs';

/** One client (fresh, or holding `copy`) until it holds the room; resolves to the time it took, in ms. */
async function joinOnce(relay, room, token, entries, copy = null) {
	const start = performance.now();
	let doc;
	if (copy !== null) {
		doc = new Y.Doc();
		Y.applyUpdate(doc, copy);
	}
	const client = connectClient(relay.serverUrl, room, token, doc);
	try {
		await whenHolds(client, entries, 60_000);
		return performance.now() - start;
	} finally {
		closeClient(client);
	}
}

/**
 * Phones coming back to rooms freshly written: the relay's CPU time per fresh sync (read
 * by the relay of itself around the joins, to the microsecond, so it counts everything
 * the relay did for them, merges on worker threads included) and the time until each client holds the room. First one
 * phone at a time, the rooms taken in turn (each room's first join finds it just
 * written); then, after one more edit in each room, fifty phones at once.
 */
export async function rejoin(kind, { start, stop, log }) {
	const relay = await start(kind);
	const rooms = Array.from({ length: CONFIG.rejoinRooms }, () => ({ room: randomId(), token: randomId() }));
	for (let i = 0; i < rooms.length; i += 5) {
		await Promise.all(
			rooms.slice(i, i + 5).map(async ({ room, token }) => {
				const writer = connectClient(relay.serverUrl, room, token);
				await whenSynced(writer);
				await fillMap(writer, CONFIG.syncEntries, CONFIG.syncTransactions);
				await whenSent(writer);
				// Held until the room has it all: then the writer may go.
				const check = connectClient(relay.serverUrl, room, token);
				await whenHolds(check, CONFIG.syncEntries);
				closeClient(check);
				closeClient(writer);
			})
		);
	}
	await relay.whenIdle();
	// The checks above joined each room once: write each again so it is freshly written.
	await Promise.all(
		rooms.map(async ({ room, token }) => {
			const writer = connectClient(relay.serverUrl, room, token);
			await whenHolds(writer, CONFIG.syncEntries);
			await fillMap(writer, 100, 10, 'again');
			await whenSent(writer);
			await sleep(200);
			closeClient(writer);
		})
	);
	await relay.whenIdle();

	const entries = CONFIG.syncEntries + 100;
	let cpu = await relay.preciseCpuMs();
	const one = [];
	for (let i = 0; i < CONFIG.rejoinOneByOne; i++) {
		const { room, token } = rooms[i % rooms.length];
		one.push(await joinOnce(relay, room, token, entries));
	}
	const oneCpu = (await relay.preciseCpuMs() - cpu) / CONFIG.rejoinOneByOne;
	await relay.whenIdle();

	// One more edit in every room, then everyone at once.
	await Promise.all(
		rooms.map(async ({ room, token }) => {
			const writer = connectClient(relay.serverUrl, room, token);
			await whenHolds(writer, entries);
			writer.doc.getMap('after').set('back', 'online');
			await whenSent(writer);
			await sleep(200);
			closeClient(writer);
		})
	);
	await relay.whenIdle();
	cpu = await relay.preciseCpuMs();
	const started = performance.now();
	const burst = await Promise.all(
		Array.from({ length: CONFIG.rejoinBurst }, (_, i) => {
			const { room, token } = rooms[i % rooms.length];
			return joinOnce(relay, room, token, entries);
		})
	);
	const burstWall = performance.now() - started;
	const burstCpu = (await relay.preciseCpuMs() - cpu) / CONFIG.rejoinBurst;
	await relay.whenIdle();

	// Phones that hold the room as it was, back after one more edit per room: each asks
	// only for what it lacks.
	const copies = await Promise.all(
		rooms.map(async ({ room, token }) => {
			const reader = connectClient(relay.serverUrl, room, token);
			await whenHolds(reader, entries);
			const copy = Y.encodeStateAsUpdate(reader.doc);
			await fillMap(reader, 1, 1, 'late');
			await whenSent(reader);
			await sleep(200);
			closeClient(reader);
			return copy;
		})
	);
	await relay.whenIdle();
	cpu = await relay.preciseCpuMs();
	const back = await Promise.all(
		Array.from({ length: CONFIG.rejoinBurst }, (_, i) => {
			const { room, token } = rooms[i % rooms.length];
			return joinOnce(relay, room, token, entries + 1, copies[i % rooms.length]);
		})
	);
	const backCpu = (await relay.preciseCpuMs() - cpu) / CONFIG.rejoinBurst;
	await stop(relay);
	const sorted = (values) => [...values].sort((a, b) => a - b);
	log(
		`\n[5] ${relay.label}: ${CONFIG.rejoinRooms} rooms of ${entries} entries just written;` +
			` one phone at a time (${CONFIG.rejoinOneByOne}): relay cpu ${fmt(oneCpu, 1)} ms per fresh sync,` +
			` until applied median ${fmt(median(one), 1)} ms (${fmt(sorted(one)[0], 1)}–${fmt(sorted(one).at(-1), 1)});` +
			`\n    ${CONFIG.rejoinBurst} at once after one more edit per room: relay cpu ${fmt(burstCpu, 1)} ms per fresh sync,` +
			` until applied median ${fmt(median(burst), 0)} ms, last ${fmt(Math.max(...burst), 0)} ms (all in ${fmt(burstWall, 0)} ms)` +
			`\n    ${CONFIG.rejoinBurst} holding the room but one edit, at once: relay cpu ${fmt(backCpu, 1)} ms per sync,` +
			` until up to date median ${fmt(median(back), 0)} ms, last ${fmt(Math.max(...back), 0)} ms`
	);
	return { oneCpu, oneApplied: median(one), burstCpu, burstLast: Math.max(...burst), backCpu, backLast: Math.max(...back) };
}
