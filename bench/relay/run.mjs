// Our relay against the reference y-websocket server, on the same load, in one run:
//   1. sustained fanned-out updates per second before p99 delivery latency passes 100 ms;
//   2. p50/p99 delivery latency at a fixed moderate rate, in rounds taken in turn;
//   3. time for a fresh client to sync a room of 10,000 map entries (and, within it, the
//      time until the relay's answer is in; the rest is the client applying it);
//   4. resident memory per idle room;
//   5. syncs when phones rejoin rooms just written (the site's Wi-Fi is back): the
//      relay's CPU per sync and the time until the client holds the room, for new
//      devices one at a time and fifty at once, then for fifty devices that hold the
//      room but its last edit.
// Each figure gets a fresh relay process per relay. Ours persists every update to SQLite
// and syncs it to disk (in the background, as deployed); the reference persists nothing.
//
// Reading a ramp step: "relay cpu/wait" is the relay's CPU use and the share of the time
// its main thread was ready to run but waiting for its core (other work on the machine,
// or wake-ups after disk syncs); "relay stall" is its longest event-loop stall; the same
// for the generator. A step over the limit is tried once more before the ramp stops.
//
// Run with: npm run bench:relay [-- --profile] [-- --only=ramp,fixed,sync,memory]
//   --profile           write a CPU profile of each relay in each figure and list its hot functions
//   --only=...          run only some of the figures (ramp, fixed, sync, memory, rejoin)
//   --relays=ours       run only some of the relays (ours, reference)
//   --rounds=N          rounds of the fixed-rate figure (default 3)
//   --relay-dist=DIR    run another build of our relay (a directory like sync-server/dist)
//   --disk-sync=each-commit  ours with SQLite syncing inside every commit, fan-out waiting
//                       for the disk (the default, background, is what is deployed)
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import {
	closeClient,
	connectClient,
	connectRooms,
	fillMap,
	median,
	randomId,
	runRate,
	sleep,
	whenHolds,
	whenSent,
	whenSynced
} from './load.mjs';
import { killAll, pinGenerator, roomsLoaded, startRelay, storageStats } from './relays.mjs';
import { CONFIG } from './config.mjs';
import { parseOptions } from './options.mjs';
import { storageLine } from './storage-line.mjs';
import { fmt, printSummary } from './table.mjs';
import { rejoin } from './rejoin.mjs';

const pct = (value) => `${(value * 100).toFixed(0)}%`;
const log = (line = '') => console.log(line);

const { profile, wanted, kinds: KINDS, relayDist, diskSync } = parseOptions(process.argv.slice(2));
/** Starts one relay under test; ours from --relay-dist and with --disk-sync when given. */
const start = (kind, options = {}) =>
	startRelay(kind, kind === 'ours' ? { ...options, relayDist, diskSync, profile } : { ...options, profile });
/** Stops a relay, printing its CPU profile's hot functions when there is one. */
async function stop(relay) {
	const profileText = await relay.stop();
	if (profileText !== null) log(`\n${relay.label} relay, CPU profile of this figure:\n${profileText}`);
}

// Whatever happens, the run ends by itself and leaves no relay behind.
const deadline = setTimeout(() => {
	console.error('bench: over the 12-minute limit, stopping');
	killAll();
	process.exit(2);
}, 12 * 60_000);
deadline.unref();
process.on('exit', killAll);
// Each stock provider adds an exit listener of its own.
process.setMaxListeners(Math.max(CONFIG.rooms * CONFIG.clientsPerRoom, CONFIG.memoryRooms) + 20);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		killAll();
		process.exit(130);
	});
}


/** Runs one rate step, with our relay's storage counters over it. */
async function measuredRate(relay, load, options) {
	const before = await storageStats(relay);
	const r = await runRate(load, { ...options, relay });
	const after = await storageStats(relay);
	if (before !== null && after !== null) r.storage = storageLine(before, after, r.wallMs / 1000);
	return r;
}

/** A warning when other work on the machine kept either process off its core. */
const noise = (r) =>
	Math.max(r.relayWait, r.generatorWait) > 0.25
		? ` (noisy: relay waited ${pct(r.relayWait)}, generator ${pct(r.generatorWait)} of the time for its core)`
		: '';

async function ramp(kind) {
	const relay = await start(kind);
	const load = await connectRooms(relay.serverUrl, CONFIG.rooms, CONFIG.clientsPerRoom);
	log(`\n[1] ${relay.label}: ${CONFIG.rooms} rooms x ${CONFIG.clientsPerRoom} clients, ${CONFIG.stepMs / 1000} s per step`);
	log('  edits/s  sent/s  fanned-out/s  delivered   p50 ms   p99 ms   max ms  relay cpu/wait  relay stall ms  generator cpu/wait  verdict');
	let lastGood = null;
	let failedAt = null;
	let step = 0;
	for (const rate of CONFIG.rampRates) {
		// A step over the limit is run once more before the ramp stops: other work on the
		// machine can stall either process for a moment, and one stall decides a p99.
		let r;
		for (let attempt = 1; attempt <= 2; attempt++) {
			r = await measuredRate(relay, load, { step: step++, rate, durationMs: CONFIG.stepMs, drainMs: CONFIG.drainMs });
			r.ok = r.p99 <= CONFIG.p99LimitMs && r.deliveredRatio >= CONFIG.minDelivered;
			r.generatorBound = r.sendRate < 0.95 * rate || r.generatorCpu > 0.9;
			log(
				`  ${String(rate).padStart(7)} ${fmt(r.sendRate).padStart(7)} ${fmt(r.fanoutPerSecond).padStart(13)}` +
					` ${pct(r.deliveredRatio).padStart(10)} ${fmt(r.p50, 1).padStart(8)} ${fmt(r.p99, 1).padStart(8)}` +
					` ${fmt(r.max, 1).padStart(8)} ${`${pct(r.relayCpu)}/${pct(r.relayWait)}`.padStart(14)}` +
					` ${fmt(r.relayStall).padStart(14)}` +
					` ${`${pct(r.generatorCpu)}/${pct(r.generatorWait)}`.padStart(18)}` +
					`  ${r.ok ? 'ok' : 'over'}${attempt > 1 ? ' (second try)' : ''}` +
					`${r.generatorBound ? ' (generator saturated)' : ''}${noise(r)}` +
					`${r.disconnects > 0 ? ` (${r.disconnects} client disconnects)` : ''}`
			);
			if (r.storage) log(r.storage);
			if (r.ok) break;
			await sleep(1000);
		}
		if (!r.ok) {
			failedAt = r;
			break;
		}
		lastGood = r;
		await sleep(500);
	}
	for (const client of load.clients) closeClient(client);
	await stop(relay);
	log(
		`  last good step: ${lastGood ? `${lastGood.rate} edits/s, ${fmt(lastGood.fanoutPerSecond)} fanned-out updates/s` : 'none'}` +
			`${failedAt === null ? ' (never over the limit: the figure is a lower bound)' : ''}`
	);
	return { lastGood, failedAt, fanout: lastGood?.fanoutPerSecond ?? 0 };
}

/**
 * The fixed-rate figure in rounds, the relays taking turns (the order swapped each round)
 * so that a slow moment of the machine does not fall on one relay only. One round's p99
 * rests on its 50 slowest deliveries and moves by a third from run to run; each figure is
 * the median of the rounds.
 */
async function fixedRounds(kinds) {
	// The first run of the load generator is its slowest (its code not yet optimised, its
	// heap growing): an untimed run against each relay comes first.
	for (const kind of kinds) await fixedRate(kind, 0);
	const rounds = Object.fromEntries(kinds.map((kind) => [kind, []]));
	for (let round = 1; round <= CONFIG.fixedRounds; round++) {
		const order = round % 2 === 1 ? kinds : [...kinds].reverse();
		for (const kind of order) rounds[kind].push(await fixedRate(kind, round));
	}
	return Object.fromEntries(
		kinds.map((kind) => [
			kind,
			{ p50: median(rounds[kind].map((r) => r.p50)), p99: median(rounds[kind].map((r) => r.p99)) }
		])
	);
}

/** One relay at the fixed rate; round 0 is the untimed warm-up of the load generator. */
async function fixedRate(kind, round) {
	const relay = await start(kind);
	const load = await connectRooms(relay.serverUrl, CONFIG.rooms, CONFIG.clientsPerRoom);
	const warmUpMs = round === 0 ? CONFIG.fixedWarmUpMs : CONFIG.warmupMs;
	await runRate(load, { step: 0, rate: CONFIG.fixedRate, durationMs: warmUpMs, relay });
	const measure = { step: 1, rate: CONFIG.fixedRate, durationMs: CONFIG.fixedMs, drainMs: 3000 };
	const r = round === 0 ? null : await measuredRate(relay, load, measure);
	for (const client of load.clients) closeClient(client);
	if (r === null) return void (await relay.stop());
	await stop(relay);
	log(
		`\n[2] ${relay.label}, round ${round}: ${CONFIG.fixedRate} edits/s for ${CONFIG.fixedMs / 1000} s: p50 ${fmt(r.p50, 2)} ms,` +
			` p99 ${fmt(r.p99, 2)} ms, max ${fmt(r.max, 1)} ms, delivered ${pct(r.deliveredRatio)},` +
			` p90/p95/p98/p99.5/p99.9 ${r.tail.map((ms) => fmt(ms, 2)).join('/')} ms,` +
			` relay cpu ${pct(r.relayCpu)} (waiting for its core ${pct(r.relayWait)}), longest relay stall ${fmt(r.relayStall)} ms,` +
			` relay gc ${fmt(r.relayGc.ms, 1)} ms in ${r.relayGc.pauses} pauses (longest ${fmt(r.relayGc.longestMs, 2)} ms),` +
			` generator cpu ${pct(r.generatorCpu)} (waiting ${pct(r.generatorWait)})${noise(r)}` +
			(r.storage ? `\n${r.storage}` : '')
	);
	return r;
}

/**
 * Time for a fresh client to hold the whole room, and, within it, the time until the
 * relay's answer (its sync step 2, the last message of a split answer) has arrived: the
 * rest is the client applying it.
 */
async function timeFreshSync(relay, room, token) {
	const start = performance.now();
	const client = connectClient(relay.serverUrl, room, token);
	let answered = NaN;
	// Ahead of the provider's own handler, which applies the answer before returning.
	const ws = client.provider.ws;
	const apply = ws?.onmessage;
	if (ws && apply) {
		ws.onmessage = (event) => {
			const bytes = new Uint8Array(event.data);
			if (bytes[0] === 0 && bytes[1] === 1 && Number.isNaN(answered)) answered = performance.now() - start;
			apply.call(ws, event);
		};
	}
	try {
		await whenHolds(client, CONFIG.syncEntries);
		return { total: performance.now() - start, answered };
	} finally {
		closeClient(client);
	}
}

async function initialSync(kind) {
	const relay = await start(kind, { idleUnloadMs: 500 });
	const room = randomId();
	const token = randomId();
	const writer = connectClient(relay.serverUrl, room, token);
	await whenSynced(writer);
	await fillMap(writer, CONFIG.syncEntries, CONFIG.syncTransactions);
	await whenSent(writer);
	// Untimed: a first reader makes sure the relay holds all entries before timing starts.
	const check = connectClient(relay.serverUrl, room, token);
	await whenHolds(check, CONFIG.syncEntries);
	closeClient(check);
	await relay.whenIdle();
	// Most of a fresh client's sync is the client applying the room, here in the generator,
	// and the first few run several times slower than the rest (V8 optimising the code,
	// the heap growing to size). Untimed runs first keep that out of the figure, where it
	// would fall on whichever relay is timed first.
	for (let i = 0; i < CONFIG.syncWarmUps; i++) await timeFreshSync(relay, room, token);
	await sleep(200);
	const warm = [];
	for (let i = 0; i < CONFIG.syncRuns; i++) {
		warm.push(await timeFreshSync(relay, room, token));
		await sleep(200);
	}
	// Ours only: the same room after it left memory, loaded again from SQLite.
	const cold = [];
	closeClient(writer);
	if (kind === 'ours') {
		for (let i = 0; i < CONFIG.syncRuns; i++) {
			const deadline = Date.now() + 15_000;
			while ((await roomsLoaded(relay)) > 0) {
				if (Date.now() > deadline) throw new Error('the room never left memory');
				await sleep(50);
			}
			cold.push(await timeFreshSync(relay, room, token));
		}
	}
	await stop(relay);
	const list = (runs, key) => runs.map((run) => fmt(run[key], 1)).join(', ');
	const middle = (runs, key) => median(runs.map((run) => run[key]));
	log(
		`\n[3] ${relay.label}: fresh client to synced with ${CONFIG.syncEntries} entries:` +
			` ${list(warm, 'total')} ms (median ${fmt(middle(warm, 'total'), 1)});` +
			` the relay's answer in after ${list(warm, 'answered')} ms (median ${fmt(middle(warm, 'answered'), 1)})` +
			(cold.length > 0
				? `\n    room unloaded first: ${list(cold, 'total')} ms (median ${fmt(middle(cold, 'total'), 1)});` +
					` answer in after ${list(cold, 'answered')} ms (median ${fmt(middle(cold, 'answered'), 1)})`
				: '')
	);
	return {
		warm: middle(warm, 'total'),
		answered: middle(warm, 'answered'),
		cold: cold.length > 0 ? middle(cold, 'total') : null
	};
}

async function loadRoom(relay, room, token) {
	const client = connectClient(relay.serverUrl, room, token);
	await whenSynced(client);
	await fillMap(client, CONFIG.memoryEntries, CONFIG.memoryTransactions);
	await whenSent(client);
	return client;
}

async function memory(kind) {
	const relay = await start(kind, { idleUnloadMs: CONFIG.memoryIdleUnloadMs });
	// Warm the code paths once, so the baseline holds the relay's code, not just its start.
	const warmup = await loadRoom(relay, randomId(), randomId());
	closeClient(warmup);
	await relay.whenIdle();
	const heapBefore = await relay.collectGarbage();
	const before = relay.rssKiB();

	// Every writer stays connected until all rooms are written, then all leave at once, so
	// that no room reaches our relay's idle delay before the "still loaded" reading.
	const rooms = Array.from({ length: CONFIG.memoryRooms }, () => ({ room: randomId(), token: randomId() }));
	const writers = [];
	for (let i = 0; i < rooms.length; i += CONFIG.memoryConcurrency) {
		const batch = rooms.slice(i, i + CONFIG.memoryConcurrency);
		writers.push(...(await Promise.all(batch.map(({ room, token }) => loadRoom(relay, room, token)))));
	}
	for (const writer of writers) closeClient(writer);
	const loadedAt = Date.now();
	await relay.whenIdle();
	// A few rooms read back in full: the relay really holds what was written.
	for (const { room, token } of rooms.slice(0, 5)) {
		const reader = connectClient(relay.serverUrl, room, token);
		await whenHolds(reader, CONFIG.memoryEntries);
		closeClient(reader);
	}
	await relay.whenIdle();
	const heapLoaded = await relay.collectGarbage();
	const loaded = relay.rssKiB();
	const stillLoaded = await roomsLoaded(relay);
	const loadedSeconds = (Date.now() - loadedAt) / 1000;

	// Then past our relay's idle delay: ours unloads, the reference keeps every Y.Doc.
	if (kind === 'ours') {
		const deadline = Date.now() + CONFIG.memoryIdleUnloadMs + 20_000;
		while ((await roomsLoaded(relay)) > 0) {
			if (Date.now() > deadline) throw new Error('rooms never left memory');
			await sleep(200);
		}
	} else {
		await sleep(Math.max(0, loadedAt + CONFIG.memoryIdleUnloadMs + 500 - Date.now()));
	}
	await relay.whenIdle();
	const heapUnloaded = await relay.collectGarbage();
	const unloaded = relay.rssKiB();
	await stop(relay);
	const perRoom = (after) => (after - before) / CONFIG.memoryRooms;
	// JavaScript heap plus buffers outside it, after a full collection: less coarse than RSS.
	const heldKiB = (usage) => (usage === null ? NaN : (usage.heapUsed + usage.external) / 1024);
	const heapPerRoom = (usage) => (heldKiB(usage) - heldKiB(heapBefore)) / CONFIG.memoryRooms;
	log(
		`\n[4] ${relay.label}: RSS before ${fmt(before / 1024, 1)} MiB; ${CONFIG.memoryRooms} rooms of` +
			` ${CONFIG.memoryEntries} entries, clients gone, ${fmt(loadedSeconds, 1)} s later` +
			`${stillLoaded === null ? '' : ` (${stillLoaded} rooms loaded)`}: ${fmt(loaded / 1024, 1)} MiB` +
			` = ${fmt(perRoom(loaded), 1)} KiB/room; after the idle delay: ${fmt(unloaded / 1024, 1)} MiB` +
			` = ${fmt(perRoom(unloaded), 1)} KiB/room` +
			`\n    heap used + external after a full collection: ${fmt(heapPerRoom(heapLoaded), 1)} KiB/room while loaded,` +
			` ${fmt(heapPerRoom(heapUnloaded), 1)} KiB/room after the idle delay`
	);
	return {
		loaded: perRoom(loaded),
		idle: perRoom(unloaded),
		heapLoaded: heapPerRoom(heapLoaded),
		heapIdle: heapPerRoom(heapUnloaded)
	};
}

async function main() {
	const cores = availableParallelism();
	const pinned = pinGenerator();
	log(
		`relay bench: node ${process.version}, ${cores} cores; ` +
			(pinned ? 'load generator on core 0, relay under test on core 1 (taskset)' : 'taskset not found: nothing pinned') +
			(relayDist === null ? '' : `; ours from ${relayDist}`) +
			(diskSync === null ? '' : `; ours with disk sync ${diskSync}`)
	);
	const results = { ours: {}, reference: {} };
	const started = performance.now();
	for (const [phase, run] of [
		['ramp', ramp],
		['fixed', null],
		['sync', initialSync],
		['memory', memory],
		['rejoin', (kind) => rejoin(kind, { start, stop, log })]
	]) {
		if (!wanted(phase)) continue;
		if (run === null) {
			const fixed = await fixedRounds(KINDS);
			for (const kind of KINDS) results[kind].fixed = fixed[kind];
		} else {
			for (const kind of KINDS) results[kind][phase] = await run(kind);
		}
	}
	printSummary(results, (performance.now() - started) / 1000);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(`bench failed: ${error.stack ?? error}`);
		killAll();
		process.exit(1);
	}
);
