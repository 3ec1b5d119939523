/**
 * The real relay as a child process (the built `sync-server/dist/main.js`),
 * for tests that kill it, restart it, or drive the built app through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RELAY_MAIN = join(ROOT, 'sync-server/dist/main.js');

export function requireBuild(): void {
	for (const file of [RELAY_MAIN, join(ROOT, 'build/index.html')]) {
		if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first`);
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
	output: () => string;
	/** SIGTERM and wait for a clean exit. */
	stop(): Promise<number | null>;
	/** SIGKILL: the crash case. */
	kill(): Promise<void>;
}

export async function startRelayProcess(
	options: { port?: number; dataDir?: string; staticDir?: string } = {}
): Promise<RelayProcess> {
	requireBuild();
	const port = options.port ?? (await freePort());
	const dataDir = options.dataDir ?? tempDir('data');
	let output = '';
	const child: ChildProcess = spawn(process.execPath, [RELAY_MAIN], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			...(options.staticDir ? { STATIC_DIR: options.staticDir } : {})
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

	const deadline = Date.now() + 15_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`relay exited early:\n${output}`);
		try {
			const response = await fetch(`http://127.0.0.1:${port}/healthz`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`relay did not become healthy:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}

	return {
		port,
		dataDir,
		output: () => output,
		async stop() {
			child.kill('SIGTERM');
			return exited;
		},
		async kill() {
			child.kill('SIGKILL');
			await exited;
		}
	};
}
