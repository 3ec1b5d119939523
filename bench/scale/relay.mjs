// The built relay as bench:scale runs it: on a free port, with its data in a folder, and
// quiet before a timing starts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const pause = (ms) => new Promise((done) => setTimeout(done, ms));

const RELAY_ENV = {
	// A two-year-old space is tens of megabytes; what goes on the wire stays in batches.
	MAX_ROOM_BYTES: '1GiB',
	MAX_PAYLOAD_BYTES: '64MiB',
	// The generating device sends thousands of updates in a few seconds.
	MAX_MESSAGES_PER_SECOND: '100000',
	MESSAGE_BURST: '100000',
	LOG_LEVEL: 'warn'
};

export async function freePort() {
	return new Promise((done, failed) => {
		const server = createServer();
		server.once('error', failed);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => done(port));
		});
	});
}

/** The built relay on `port`, with its data in `dataDir`; resolves once it listens. */
export async function startRelay(port, dataDir) {
	const child = spawn(process.execPath, [join(ROOT, 'sync-server/dist/main.js')], {
		cwd: ROOT,
		env: { ...process.env, ...RELAY_ENV, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the relay exited at start:\n${output}`);
		try {
			if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`the relay did not start:\n${output}`);
		}
		await pause(100);
	}
	return {
		pid: child.pid,
		output: () => output,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			return exited;
		}
	};
}

/** Resolves once the relay's process has used under a twentieth of a core for a second. */
export async function relayQuiet(relay, timeoutMs = 60_000) {
	const cpu = () => {
		const fields = readFileSync(`/proc/${relay.pid}/stat`, 'utf8').split(') ')[1].split(' ');
		// utime and stime, in clock ticks (100 per second on Linux).
		return Number(fields[11]) + Number(fields[12]);
	};
	const deadline = Date.now() + timeoutMs;
	let last = cpu();
	while (Date.now() < deadline) {
		await pause(1000);
		const now = cpu();
		if (now - last < 5) return;
		last = now;
	}
}
