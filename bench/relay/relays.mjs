// The relays under test, each in a child process pinned to its own core: ours (through
// our-relay.mjs) and the reference y-websocket server. Both get the same Node flags and
// the same preloaded hook, and are read the same way: resident memory and CPU time from
// /proc, a full garbage collection on demand.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runQueueWaitMs, sleep } from './load.mjs';
import { summarizeProfile } from './profile-summary.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const gcHook = new URL('./gc-on-signal.mjs', import.meta.url).href;

export const RELAYS = {
	ours: {
		label: 'ours',
		entry: join(root, 'bench/relay/our-relay.mjs'),
		serverUrl: (port) => `ws://127.0.0.1:${port}/sync`
	},
	reference: {
		label: 'reference',
		entry: join(root, 'node_modules/@y/websocket-server/src/server.js'),
		// The reference takes the room from the path: ws://host:port/<room>.
		serverUrl: (port) => `ws://127.0.0.1:${port}`
	}
};

let tasksetChecked = null;
/** Whether `taskset` exists; when it does, this process moves to core 0. */
export function pinGenerator() {
	if (tasksetChecked !== null) return tasksetChecked;
	try {
		execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
		tasksetChecked = true;
	} catch {
		tasksetChecked = false;
	}
	return tasksetChecked;
}

const clockTicks = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

const running = new Set();


function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Starts one relay. `idleUnloadMs` applies to ours only (the reference never unloads a
 * room it does not persist); `profile` turns on --cpu-prof; `relayDist` is another
 * build of our relay to run instead of sync-server/dist; `diskSync` overrides how ours
 * syncs SQLite to disk.
 */
export async function startRelay(
	kind,
	{ idleUnloadMs = 30_000, profile = false, relayDist = null, diskSync = null } = {}
) {
	const relay = RELAYS[kind];
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-data-'));
	const staticDir = mkdtempSync(join(tmpdir(), 'relay-bench-static-'));
	const memoryFile = `${staticDir}.memory.json`;
	const loopFile = `${staticDir}.loop.txt`;
	const cpuFile = `${staticDir}.cpu.txt`;
	const nodeArgs = ['--expose-gc', '--import', gcHook];
	const profileDir = profile ? mkdtempSync(join(tmpdir(), 'relay-bench-profile-')) : null;
	if (profileDir !== null) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
	nodeArgs.push(relay.entry);
	const pinned = pinGenerator();
	const [command, args] = pinned
		? ['taskset', ['-c', '1', process.execPath, ...nodeArgs]]
		: [process.execPath, nodeArgs];
	const child = spawn(command, args, {
		cwd: root,
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			STATIC_DIR: staticDir,
			BENCH_IDLE_UNLOAD_MS: String(idleUnloadMs),
			BENCH_MEMORY_FILE: memoryFile,
			BENCH_LOOP_FILE: loopFile,
			BENCH_CPU_FILE: cpuFile,
			...(relayDist === null ? {} : { BENCH_RELAY_DIST: relayDist }),
			...(diskSync === null ? {} : { BENCH_DISK_SYNC: diskSync }),
			// The load generator stands for many sites' devices behind one address: the
			// limit on rooms created per address and hour would stop it after twenty.
			MAX_NEW_ROOMS_PER_ADDRESS: '0',
			LOG_LEVEL: 'info'
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let stderr = '';
	child.stderr.on('data', (chunk) => {
		stderr = (stderr + chunk).slice(-4000);
	});
	const removeFiles = () => {
		for (const path of [dataDir, staticDir, memoryFile, loopFile, cpuFile]) rmSync(path, { recursive: true, force: true });
	};
	let exited = false;
	const exit = new Promise((resolve) => child.once('exit', () => {
		exited = true;
		resolve();
	}));
	/** The lines of BENCH_LOOP_FILE whose 250 ms window overlaps the given times (epoch ms). */
	const loopWindows = (from, to) => {
		let text;
		try {
			text = readFileSync(loopFile, 'utf8');
		} catch {
			return [];
		}
		const windows = [];
		for (const line of text.split('\n')) {
			const [at, stallMs, gcPauses = 0, gcMs = 0, gcLongestMs = 0] = line.split(' ').map(Number);
			if (at > from && at - 250 < to) windows.push({ stallMs, gcPauses, gcMs, gcLongestMs });
		}
		return windows;
	};
	const handle = {
		kind,
		label: relay.label,
		pid: child.pid,
		port,
		serverUrl: relay.serverUrl(port),
		httpUrl: `http://127.0.0.1:${port}`,
		/** Resident set size in KiB (VmRSS). */
		rssKiB() {
			const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
			return Number(/^VmRSS:\s+(\d+)/m.exec(status)[1]);
		},
		/** CPU time used so far, in ms (user + system), in ticks of 10 ms. */
		cpuMs() {
			const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
		},
		/**
		 * CPU time used so far, in ms, to the microsecond, as the relay reads it of itself
		 * (see gc-on-signal.mjs); the ticks of cpuMs() if it does not answer in time.
		 */
		async preciseCpuMs() {
			rmSync(cpuFile, { force: true });
			child.kill('SIGWINCH');
			for (let waited = 0; waited < 500; waited += 2) {
				await sleep(2);
				try {
					const text = readFileSync(cpuFile, 'utf8');
					if (text !== '') return Number(text) / 1000;
				} catch {
					// Not written yet.
				}
			}
			return this.cpuMs();
		},
		/** The relay's longest event-loop stall (ms) between two times (epoch ms). */
		longestStallMs(from, to) {
			const windows = loopWindows(from, to);
			return windows.length === 0 ? NaN : windows.reduce((longest, w) => Math.max(longest, w.stallMs), 0);
		},
		/** The main thread's garbage collection pauses between two times (epoch ms). */
		gcPauses(from, to) {
			const windows = loopWindows(from, to);
			return {
				pauses: windows.reduce((sum, w) => sum + w.gcPauses, 0),
				ms: windows.reduce((sum, w) => sum + w.gcMs, 0),
				longestMs: windows.reduce((longest, w) => Math.max(longest, w.gcLongestMs), 0)
			};
		},
		/** Time the relay's main thread spent runnable but waiting for a core, in ms. */
		waitMs: () => runQueueWaitMs(child.pid),
		/**
		 * A full garbage collection in the relay, then a moment for the pages to go.
		 * Resolves to the relay's process.memoryUsage() right after the collection.
		 */
		async collectGarbage() {
			rmSync(memoryFile, { force: true });
			child.kill('SIGUSR2');
			await sleep(1000);
			try {
				return JSON.parse(readFileSync(memoryFile, 'utf8'));
			} catch {
				return null;
			}
		},
		/**
		 * Waits until the relay used under 5% of a core for 0.5 s (bounded); under 20% when
		 * profiling, since the sampling profiler keeps a thread busy of its own.
		 */
		async whenIdle(timeoutMs = 20_000) {
			const deadline = Date.now() + timeoutMs;
			const quietMs = profileDir === null ? 25 : 100;
			let last = handle.cpuMs();
			for (;;) {
				await sleep(500);
				const now = handle.cpuMs();
				if (now - last < quietMs) return;
				if (Date.now() > deadline) throw new Error(`${relay.label} relay still busy after ${timeoutMs} ms`);
				last = now;
			}
		},
		/** Stops the relay; resolves to a summary of its CPU profile when it wrote one. */
		async stop() {
			running.delete(handle);
			if (!exited) {
				child.kill('SIGTERM');
				await Promise.race([exit, sleep(10_000)]);
				if (!exited) {
					child.kill('SIGKILL');
					await exit;
				}
			}
			removeFiles();
			if (profileDir === null) return null;
			const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
			if (file === undefined) return `${relay.label}: no CPU profile written`;
			return `${summarizeProfile(join(profileDir, file))}\n  (file: ${join(profileDir, file)})`;
		},
		/** Kills the relay at once and removes its files (on the way out after a failure). */
		kill() {
			if (!exited) child.kill('SIGKILL');
			removeFiles();
		},
		stderr: () => stderr
	};
	running.add(handle);
	// Both answer any HTTP GET once listening (ours /healthz, the reference "okay").
	let ready = false;
	for (let i = 0; i < 150 && !exited && !ready; i++) {
		try {
			ready = (await fetch(`${handle.httpUrl}/healthz`)).status > 0;
		} catch {
			await sleep(100);
		}
	}
	if (!ready) {
		handle.kill();
		throw new Error(`${relay.label} relay did not start: ${stderr}`);
	}
	return handle;
}

/** Kills every relay still running (on the way out, whatever happened). */
export function killAll() {
	for (const handle of running) handle.kill();
}

async function metricsText(handle) {
	return (await fetch(`${handle.httpUrl}/metrics`)).text();
}

function metric(text, name) {
	const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
	return match === null ? null : Number(match[1]);
}

/**
 * Rooms loaded in our relay, from /metrics (/healthz writes a heartbeat to SQLite: polling
 * it would add fsyncs to what is measured); null for the reference.
 */
export async function roomsLoaded(handle) {
	if (handle.kind !== 'ours') return null;
	return metric(await metricsText(handle), 'relay_rooms_loaded');
}

/**
 * Our relay's storage counters so far (updates persisted and the time spent, commits and
 * their time, compactions and their time), or null: the reference has none, and older
 * builds lack some.
 */
export async function storageStats(handle) {
	if (handle.kind !== 'ours') return null;
	const text = await metricsText(handle);
	const stats = {
		persisted: metric(text, 'relay_persist_duration_seconds_count'),
		persistSeconds: metric(text, 'relay_persist_duration_seconds_sum'),
		// Builds with group commit: one transaction (and one sync) per batch of updates.
		commits: metric(text, 'relay_commit_duration_seconds_count'),
		commitSeconds: metric(text, 'relay_commit_duration_seconds_sum'),
		// Builds with the update journal: its folds into SQLite.
		folds: metric(text, 'relay_journal_fold_duration_seconds_count'),
		foldSeconds: metric(text, 'relay_journal_fold_duration_seconds_sum'),
		compactions: metric(text, 'relay_compaction_duration_seconds_count'),
		compactionSeconds: metric(text, 'relay_compaction_duration_seconds_sum'),
		// Appends that took at most 10 ms and at most 100 ms (histogram buckets).
		persistedWithin10ms: metric(text, 'relay_persist_duration_seconds_bucket\\{le="0.01"\\}'),
		persistedWithin100ms: metric(text, 'relay_persist_duration_seconds_bucket\\{le="0.1"\\}')
	};
	return stats.persisted === null ? null : stats;
}
