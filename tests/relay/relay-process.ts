// The built relay as a child process, for the tests that must kill it for real.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'sync-server/dist/main.js');
const SOURCES = join(ROOT, 'sync-server/src');

/** Builds the relay unless dist/main.js is newer than every source file. */
export function ensureRelayBuilt(): void {
	const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
	const stale = readdirSync(SOURCES).some(
		(name) => name.endsWith('.ts') && statSync(join(SOURCES, name)).mtimeMs > built
	);
	if (!stale) return;
	execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'sync-server/tsconfig.json'], {
		cwd: ROOT,
		stdio: 'inherit'
	});
}

export interface RelayProcess {
	port: number;
	/** Everything the process printed so far. */
	output(): string;
	kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node sync-server/dist/main.js` on a free port and waits for "relay listening". */
export async function spawnRelay(dataDir: string, staticDir: string): Promise<RelayProcess> {
	const child: ChildProcess = spawn(process.execPath, [MAIN], {
		cwd: ROOT,
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: staticDir },
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
			const entry = JSON.parse(line) as { msg?: string; port?: number };
			if (entry.msg === 'relay listening' && typeof entry.port === 'number') {
				clearTimeout(timer);
				done(entry.port);
			}
		});
	});
	return {
		port,
		output: () => output,
		kill(signal) {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			return exited;
		}
	};
}
