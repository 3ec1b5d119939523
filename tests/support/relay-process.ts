/**
 * The real relay as a child process (the built `sync-server/dist/main.js`),
 * for tests that kill it, restart it, or drive the built app through it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');
// RELAY_MAIN runs the tests against another build of the relay (e.g. a released one).
const RELAY_MAIN = process.env['RELAY_MAIN'] ?? join(ROOT, 'sync-server/dist/main.js');
const RELAY_SOURCES = join(ROOT, 'sync-server/src');

function relayIsStale(): boolean {
	const built = existsSync(RELAY_MAIN) ? statSync(RELAY_MAIN).mtimeMs : 0;
	return readdirSync(RELAY_SOURCES, { recursive: true, encoding: 'utf8' }).some(
		(name) => name.endsWith('.ts') && statSync(join(RELAY_SOURCES, name)).mtimeMs > built
	);
}

/**
 * Runs `task` while holding a lock shared by every test process of this checkout: test
 * files run in parallel, and two compilers writing dist/ at once, or a relay started from
 * a half-written dist/, fail in confusing ways.
 */
function withBuildLock(task: () => void): void {
	const lock = join(tmpdir(), `passerelle-relay-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
	const deadline = Date.now() + 180_000;
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			// A lock older than any build was left by a killed process.
			const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
			if (since !== undefined && Date.now() - since > 120_000) rmSync(lock, { recursive: true, force: true });
			if (Date.now() > deadline) throw new Error(`another relay build holds ${lock}`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
		}
	}
	try {
		task();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

/** Builds the relay unless dist/main.js is newer than every source file. */
export function ensureRelayBuilt(): void {
	if (process.env['RELAY_MAIN']) return;
	withBuildLock(() => {
		if (!relayIsStale()) return;
		execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'sync-server/tsconfig.json'], {
			cwd: ROOT,
			stdio: 'inherit'
		});
	});
}

/** Browser tests need the built app; building it inside a test would hide a broken build. */
export function requireAppBuild(): void {
	if (!existsSync(join(ROOT, 'build/index.html'))) {
		throw new Error('build/index.html is missing: run "npm run build" first');
	}
}

export function tempDir(prefix: string): string {
	return mkdtempSync(join(tmpdir(), `passerelle-${prefix}-`));
}

export async function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => done(port));
		});
	});
}

export interface RelayProcess {
	port: number;
	dataDir: string;
	/** Everything the process printed so far. */
	output(): string;
	/** Sends the signal (SIGTERM for a clean stop, SIGKILL for a crash) and resolves with the exit code. */
	kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the relay (on a free port unless one is given) and waits for its "relay listening"
 * line. `env` adds environment variables, e.g. limits or LOG_LEVEL.
 */
export async function startRelayProcess(
	options: { port?: number; dataDir?: string; staticDir?: string; env?: Record<string, string> } = {}
): Promise<RelayProcess> {
	ensureRelayBuilt();
	const dataDir = options.dataDir ?? tempDir('data');
	const child: ChildProcess = spawn(process.execPath, [RELAY_MAIN], {
		cwd: ROOT,
		env: {
			...process.env,
			PORT: String(options.port ?? 0),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			...(options.staticDir ? { STATIC_DIR: options.staticDir } : {}),
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
	const port = await new Promise<number>((done, fail) => {
		const timer = setTimeout(() => fail(new Error(`relay did not start:\n${output}`)), 15_000);
		child.once('exit', () => fail(new Error(`relay exited early:\n${output}`)));
		createInterface({ input: child.stdout! }).on('line', (line) => {
			output += `${line}\n`;
			try {
				const entry = JSON.parse(line) as { msg?: string; port?: number };
				if (entry.msg === 'relay listening' && typeof entry.port === 'number') {
					clearTimeout(timer);
					done(entry.port);
				}
			} catch {
				// not a log line
			}
		});
	});
	return {
		port,
		dataDir,
		output: () => output,
		kill(signal) {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			return exited;
		}
	};
}
