/**
 * Starting Passerelle: `npm start` rebuilds only what changed, the relay says which address
 * to open, and `npm install` has nothing to warn about.
 */
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TARGETS, needsBuild, sourceStamp, writeStamp } from '../../scripts/build-stamp.mjs';
import { ROOT, startRelayProcess, tempDir } from '../support/relay-process.js';

describe('npm start builds only what changed', () => {
	let root = '';
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	/** A checkout with a few sources of both builds, built once. */
	function builtCheckout(): string {
		const dir = tempDir('checkout');
		const files: Record<string, string> = {
			'src/routes/+page.svelte': '<h1>Passerelle</h1>',
			'src/lib/money.ts': 'export const cents = 100;',
			'src/lib/money.test.ts': 'test',
			'src/lib/paraglide/messages.js': 'generated',
			'messages/fr.json': '{"hello": "Bonjour"}',
			'sync-server/src/main.ts': 'console.log(1);',
			'sync-server/src/protocol/wire.ts': 'export const MESSAGE_STORED = 9;',
			'package.json': '{}',
			'build/index.html': '<html></html>',
			'sync-server/dist/main.js': 'console.log(1);'
		};
		for (const [name, text] of Object.entries(files)) {
			mkdirSync(join(dir, name, '..'), { recursive: true });
			writeFileSync(join(dir, name), text);
		}
		for (const target of Object.values(TARGETS)) writeStamp(dir, target, sourceStamp(dir, target));
		return dir;
	}

	it('builds both on a fresh clone, where there is no build yet', () => {
		root = builtCheckout();
		rmSync(join(root, 'build'), { recursive: true });
		rmSync(join(root, 'sync-server/dist'), { recursive: true });
		expect(needsBuild(root, TARGETS.app)).toBe(true);
		expect(needsBuild(root, TARGETS.relay)).toBe(true);
	});

	it('builds nothing when no source changed, even if files were touched', () => {
		root = builtCheckout();
		const later = new Date(Date.now() + 60_000);
		utimesSync(join(root, 'src/lib/money.ts'), later, later);
		expect(needsBuild(root, TARGETS.app)).toBe(false);
		expect(needsBuild(root, TARGETS.relay)).toBe(false);
	});

	it('builds the app again, and only the app, when one of its sources changed', () => {
		root = builtCheckout();
		writeFileSync(join(root, 'messages/fr.json'), '{"hello": "Salut"}');
		expect(needsBuild(root, TARGETS.app)).toBe(true);
		expect(needsBuild(root, TARGETS.relay)).toBe(false);
	});

	it('builds a target again when a source file is added or removed', () => {
		root = builtCheckout();
		writeFileSync(join(root, 'src/lib/dues.ts'), 'export {};');
		expect(needsBuild(root, TARGETS.app)).toBe(true);
		root = builtCheckout();
		rmSync(join(root, 'sync-server/src/main.ts'));
		expect(needsBuild(root, TARGETS.relay)).toBe(true);
	});

	it('both builds follow the wire constants they share', () => {
		root = builtCheckout();
		writeFileSync(join(root, 'sync-server/src/protocol/wire.ts'), 'export const MESSAGE_STORED = 10;');
		expect(needsBuild(root, TARGETS.app)).toBe(true);
		expect(needsBuild(root, TARGETS.relay)).toBe(true);
	});

	it('a test file or a file the build generates itself changes nothing', () => {
		root = builtCheckout();
		writeFileSync(join(root, 'src/lib/money.test.ts'), 'another test');
		writeFileSync(join(root, 'src/lib/paraglide/messages.js'), 'generated again');
		expect(needsBuild(root, TARGETS.app)).toBe(false);
	});

	it('a build made without a stamp (npm run build) is built again once', () => {
		root = builtCheckout();
		rmSync(join(root, TARGETS.app.stamp));
		expect(needsBuild(root, TARGETS.app)).toBe(true);
	});

	it('npm start goes through the script that checks the stamps', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
		expect(pkg.scripts['start']).toBe('node scripts/start.mjs');
	});
});

describe('the start-up log', () => {
	it('names the address to open, with the host and port actually bound', async () => {
		const relay = await startRelayProcess();
		try {
			const addressLine = () =>
				relay
					.output()
					.split('\n')
					.filter((line) => line.startsWith('{'))
					.map((line) => JSON.parse(line) as { msg?: string; urls?: string[] })
					.find((line) => line.urls !== undefined);
			// It follows the "relay listening" line that startRelayProcess waits for.
			await expect.poll(addressLine, { timeout: 10_000 }).toBeDefined();
			const address = addressLine();
			expect(address?.urls).toEqual([`http://127.0.0.1:${relay.port}/`]);
			expect(address?.msg).toBe(`Passerelle: http://127.0.0.1:${relay.port}/`);
		} finally {
			await relay.kill('SIGTERM');
		}
	});
});

describe('npm install', () => {
	it('has a decision for every dependency that carries an install script, so it has nothing to warn about', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
		const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
			packages: Record<string, { hasInstallScript?: boolean; version?: string }>;
		};
		const decided = new Set(Object.keys(pkg.allowScripts ?? {}).map((key) => key.replace(/(.)@.*$/, '$1')));
		const undecided = Object.entries(lock.packages)
			.filter(([path, entry]) => path !== '' && entry.hasInstallScript)
			.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
			.filter((name) => !decided.has(name));
		expect(undecided).toEqual([]);
	});
});
