// The load generator shared by every figure of the relay benchmark. Clients are stock
// y-websocket providers over `ws`, exactly as an app would connect; only the server URL
// differs between the relays under test. Edits are Y.Map sets of a short string that
// carries the edit's step and send time, so each receiver computes the delivery latency
// when the change reaches its document.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export const MAP = 'bench';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random room id or token that our relay accepts (base64url, 22 characters). */
export const randomId = () => randomBytes(16).toString('base64url');

/** Waits for a condition, polling; throws after the timeout so no loop runs forever. */
export async function waitFor(condition, timeoutMs, what, pollMs = 10) {
	const deadline = performance.now() + timeoutMs;
	while (!condition()) {
		if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(pollMs);
	}
}

/** A strong secret (43 characters) derived from `seed`: rooms are claimed with strong tokens only. */
const derived = (purpose, seed) => createHash('sha256').update(`${purpose}:${seed}`).digest('base64url');

/**
 * One stock client: a Y.Doc (fresh unless given) and a WebsocketProvider connecting at once. It brings
 * the member and read tokens derived from `token`, so that the first one claims the room.
 */
export function connectClient(serverUrl, room, token, doc = new Y.Doc()) {
	const provider = new WebsocketProvider(serverUrl, room, doc, {
		params: { token: derived('member', token), readToken: derived('read', token) },
		WebSocketPolyfill: WebSocket,
		disableBc: true
	});
	const client = { doc, provider, map: doc.getMap(MAP), disconnects: 0 };
	provider.on('status', ({ status }) => {
		if (status === 'disconnected') client.disconnects += 1;
	});
	return client;
}

export function whenSynced(client, timeoutMs = 30_000) {
	if (client.provider.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			client.provider.off('sync', onSync);
			reject(new Error(`no sync within ${timeoutMs} ms`));
		}, timeoutMs);
		const onSync = (synced) => {
			if (!synced) return;
			clearTimeout(timer);
			client.provider.off('sync', onSync);
			resolve();
		};
		client.provider.on('sync', onSync);
	});
}

/**
 * Resolves once the provider reports 'sync' and the map holds `entries` entries: a relay
 * may send a large document in several messages, the first of them a sync step 2.
 */
export function whenHolds(client, entries, timeoutMs = 30_000) {
	return new Promise((resolve, reject) => {
		const done = () => client.provider.synced && client.map.size >= entries;
		const check = () => {
			if (!done()) return;
			clearTimeout(timer);
			client.provider.off('sync', check);
			client.doc.off('afterTransaction', check);
			resolve();
		};
		const timer = setTimeout(() => {
			client.provider.off('sync', check);
			client.doc.off('afterTransaction', check);
			reject(new Error(`${client.map.size} of ${entries} entries after ${timeoutMs} ms`));
		}, timeoutMs);
		client.provider.on('sync', check);
		client.doc.on('afterTransaction', check);
		check();
	});
}

/** Resolves once everything the client wrote has left its socket (bounded). */
export async function whenSent(client, timeoutMs = 30_000) {
	await waitFor(() => (client.provider.ws?.bufferedAmount ?? 0) === 0, timeoutMs, 'the client send buffer to drain');
}

export function closeClient(client) {
	client.provider.destroy();
	client.doc.destroy();
}

/** Writes `entries` map entries in `transactions` transactions, yielding between them. */
export async function fillMap(client, entries, transactions, prefix = 'e') {
	const perTransaction = Math.ceil(entries / transactions);
	for (let start = 0; start < entries; start += perTransaction) {
		client.doc.transact(() => {
			for (let i = start; i < Math.min(entries, start + perTransaction); i++) {
				client.map.set(`${prefix}${i}`, `value ${i} of the bench`);
			}
		});
		await sleep(0);
	}
}

/**
 * Connects rooms × clientsPerRoom clients, all synced, each receiver feeding the latency
 * recorder. Client order interleaves rooms, so consecutive edits go to different rooms.
 */
export async function connectRooms(serverUrl, rooms, clientsPerRoom) {
	const recorder = new LatencyRecorder();
	const roomIds = Array.from({ length: rooms }, () => ({ room: randomId(), token: randomId() }));
	const clients = [];
	for (let c = 0; c < clientsPerRoom; c++) {
		for (const { room, token } of roomIds) {
			const client = connectClient(serverUrl, room, token);
			// Each client writes its own key: its edits never conflict, so every edit is
			// visible to every receiver as a change of that key.
			client.key = `c${clients.length}`;
			client.map.observe((event) => {
				if (event.transaction.local) return;
				const now = performance.now();
				for (const key of event.keysChanged) recorder.record(client.map.get(key), now);
			});
			clients.push(client);
		}
		// The room's first client claims it before the others knock.
		if (c === 0) await Promise.all(clients.map((client) => whenSynced(client)));
	}
	await Promise.all(clients.map((client) => whenSynced(client)));
	return { clients, recorder, clientsPerRoom };
}

/** Latencies of the current step; deliveries of other steps are counted as strays. */
export class LatencyRecorder {
	step = -1;
	latencies = [];
	strays = 0;

	start(step) {
		this.step = step;
		this.latencies = [];
	}

	record(value, now) {
		if (typeof value !== 'string') return;
		const bar = value.indexOf('|');
		if (Number(value.slice(0, bar)) !== this.step) {
			this.strays += 1;
			return;
		}
		this.latencies.push(now - Number(value.slice(bar + 1)));
	}
}

/**
 * Time a process's main thread spent ready to run but waiting for its core, in ms, from
 * /proc/<pid>/schedstat: how much other work on the machine got in the way.
 */
export function runQueueWaitMs(pid = process.pid) {
	try {
		return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
	} catch {
		return NaN;
	}
}

/** CPU time (ms) of this process so far. */
function ownCpuMs() {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
}

/**
 * Runs `rate` edits per second (all clients together, round robin) for `durationMs`, then
 * waits up to `drainMs` for the deliveries. `relay` reads the relay's CPU and wait times.
 */
export async function runRate(load, { step, rate, durationMs, drainMs = 2000, relay }) {
	const { clients, recorder, clientsPerRoom } = load;
	recorder.start(step);
	const total = Math.round((rate * durationMs) / 1000);
	const cpuBefore = ownCpuMs();
	const startedAt = Date.now();
	const relayBefore = relay.cpuMs();
	const relayWaitBefore = relay.waitMs();
	const ownWaitBefore = runQueueWaitMs();
	const start = performance.now();
	let sent = 0;
	let maxBurst = 0;
	while (sent < total) {
		const elapsed = performance.now() - start;
		// A generator that cannot keep up stops at 1.5× the planned duration.
		if (elapsed > durationMs * 1.5) break;
		const due = Math.min(total, Math.floor((rate * elapsed) / 1000));
		maxBurst = Math.max(maxBurst, due - sent);
		while (sent < due) {
			const client = clients[sent % clients.length];
			client.map.set(client.key, `${step}|${performance.now().toFixed(3)}`);
			sent += 1;
		}
		await sleep(1);
	}
	const sendMs = performance.now() - start;
	const expected = sent * (clientsPerRoom - 1);
	await waitFor(() => recorder.latencies.length >= expected, drainMs, 'deliveries', 5).catch(() => {});
	const wallMs = performance.now() - start;
	const latencies = Float64Array.from(recorder.latencies).sort();
	return {
		rate,
		sent,
		sendRate: (sent * 1000) / sendMs,
		wallMs,
		expected,
		delivered: latencies.length,
		deliveredRatio: expected === 0 ? 1 : latencies.length / expected,
		fanoutPerSecond: (latencies.length * 1000) / sendMs,
		p50: percentile(latencies, 0.5),
		p99: percentile(latencies, 0.99),
		// Where the slowest deliveries begin: p90, p95, p98, p99.5, p99.9 (ms).
		tail: [0.9, 0.95, 0.98, 0.995, 0.999].map((q) => percentile(latencies, q)),
		max: latencies.length === 0 ? NaN : latencies[latencies.length - 1],
		generatorCpu: (ownCpuMs() - cpuBefore) / wallMs,
		relayCpu: (relay.cpuMs() - relayBefore) / wallMs,
		relayWait: (relay.waitMs() - relayWaitBefore) / wallMs,
		relayStall: relay.longestStallMs(startedAt, Date.now()),
		relayGc: relay.gcPauses(startedAt, Date.now()),
		generatorWait: (runQueueWaitMs() - ownWaitBefore) / wallMs,
		maxBurst,
		disconnects: clients.reduce((sum, client) => sum + client.disconnects, 0)
	};
}

export function percentile(sorted, q) {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
