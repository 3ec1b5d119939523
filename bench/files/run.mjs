// Sync by file at scale: a space with 10,000 ledger entries (and the rest of a collective in
// proportion: half the large space of bench:scale), exported as a .passerelle file and imported
// on another device, in Debian's Chromium with the CPU slowed down 4x through CDP. The page
// runs the app's own bundle code (src/lib/sync/bundle.ts) on the space's document; what it
// times is what "Export" and "Import" do once the document is loaded: everything, what a
// device lacks after a day of edits, and the same file imported a second time.
//
// Run with: node bench/files/run.mjs [--runs N] [--throttle N] [--fresh] (npm run bench:files runs it, then app.mjs)
// The generated space is kept under bench/.cache/; --fresh generates it again.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import * as Y from 'yjs';

const ROOT = resolve(import.meta.dirname, '../..');
/** Two collectives with 10,000 ledger entries: one whose space is mostly its ledger, one with the rest in proportion (half the large space of bench:scale). */
const SPACES = {
	ledger: { members: 25, resources: 50, funds: 5, entries: 10_000, needs: 3, pledges: 30, decisions: 3, positions: 40, bookings: 20 },
	whole: { members: 25, resources: 2500, funds: 5, entries: 10_000, needs: 150, pledges: 1500, decisions: 100, positions: 2000, bookings: 1000 }
};

function options(argv) {
	const result = { runs: 5, throttle: 4, fresh: false };
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i];
		const value = Number(argv[i + 1]);
		if (name === '--fresh') result.fresh = true;
		else if ((name === '--runs' || name === '--throttle') && Number.isFinite(value) && value > 0) {
			result[name.slice(2)] = value;
			i++;
		} else {
			console.error(`bench:files: unknown or bad option "${name}" (known: --runs N, --throttle N, --fresh)`);
			process.exit(2);
		}
	}
	return result;
}
const opts = options(process.argv.slice(2));

/** A space as one update, and the same space after a day of edits on another device. */
async function space(kind) {
	const cache = join(ROOT, 'bench/.cache');
	const before = join(cache, `files-${kind}.bin`);
	const after = join(cache, `files-${kind}-day.bin`);
	if (opts.fresh || !existsSync(before) || !existsSync(after)) {
		const { module: generate } = await runnerImport(join(ROOT, 'bench/scale/generate.ts'), { configFile: false, logLevel: 'error' });
		const doc = new Y.Doc();
		process.stderr.write(`generating a space of 10,000 ledger entries (${kind})…\n`);
		generate.generateSpace(doc, SPACES[kind]);
		const state = Y.encodeStateAsUpdate(doc);
		// A day of edits: a hundredth of the space again, written on top.
		const later = new Y.Doc();
		Y.applyUpdate(later, state);
		generate.generateSpace(later, { members: 1, resources: 25, funds: 1, entries: 100, needs: 2, pledges: 15, decisions: 1, positions: 20, bookings: 10 });
		mkdirSync(cache, { recursive: true });
		writeFileSync(before, state);
		writeFileSync(after, Y.encodeStateAsUpdate(later));
	}
	return { before: readFileSync(before), after: readFileSync(after) };
}

const dir = mkdtempSync(join(tmpdir(), 'passerelle-bench-files-'));
const script = join(dir, 'bench.js');
execFileSync(join(ROOT, 'node_modules/.bin/rolldown'), [join(ROOT, 'bench/files/entry.ts'), '--format', 'iife', '--file', script], { stdio: 'ignore' });
const files = {
	'/': ['text/html', '<!doctype html><html><script src="/bench.js"></script></html>'],
	'/bench.js': ['text/javascript', readFileSync(script)]
};
for (const kind of Object.keys(SPACES)) {
	const { before, after } = await space(kind);
	files[`/${kind}-before.bin`] = ['application/octet-stream', before];
	files[`/${kind}-after.bin`] = ['application/octet-stream', after];
}
const server = http.createServer((request, response) => {
	const file = files[request.url ?? ''];
	response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
	response.end(file?.[1] ?? '');
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});
try {
	const page = await browser.newPage();
	await page.goto(`http://127.0.0.1:${server.address().port}/`);
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.throttle });
	let allSame = true;
	console.log(`Sync by file, spaces of 10,000 ledger entries, Chromium at ${opts.throttle}x CPU slowdown, median of ${opts.runs} runs`);
	for (const kind of Object.keys(SPACES)) {
	const runs = await page.evaluate(async ({ runs, kind }) => {
		const { Y, bundleKeys, exportBundle, importBundle } = window.bench;
		const load = async (path) => {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, new Uint8Array(await (await fetch(path)).arrayBuffer()));
			return doc;
		};
		const sender = await load(`/${kind}-after.bin`);
		const holder = { id: 'bench-space-0123456789ab', secret: 'bench-secret-0123456789abcdefghijklmnopqrst', access: 'member' };
		const out = [];
		for (let run = 0; run < runs; run++) {
			const r = {};
			let t = performance.now();
			const keys = await bundleKeys(holder);
			r.keys = performance.now() - t;
			t = performance.now();
			const whole = await exportBundle(sender, keys);
			r.exportAll = performance.now() - t;
			const receiver = new Y.Doc();
			t = performance.now();
			const merged = await importBundle(receiver, whole, keys, 'file');
			r.importAll = performance.now() - t;
			r.added = merged.added;
			t = performance.now();
			const again = await importBundle(receiver, whole, keys, 'file');
			r.importAgain = performance.now() - t;
			r.againAdded = again.added;
			// What a device that holds the space as it was yesterday lacks.
			const yesterday = await load(`/${kind}-before.bin`);
			t = performance.now();
			const vector = Y.encodeStateVector(yesterday);
			const lacking = await exportBundle(sender, keys, vector);
			r.exportLacking = performance.now() - t;
			t = performance.now();
			const day = await importBundle(yesterday, lacking, keys, 'file');
			r.importLacking = performance.now() - t;
			r.dayAdded = day.added;
			r.fileAll = whole.length;
			r.fileLacking = lacking.length;
			r.rawAll = Y.encodeStateAsUpdate(sender).length;
			r.rawLacking = Y.encodeStateAsUpdate(sender, vector).length;
			r.same = Y.encodeStateVector(receiver).join() === Y.encodeStateVector(sender).join() && Y.encodeStateVector(yesterday).join() === Y.encodeStateVector(sender).join();
			out.push(r);
		}
		return out;
	}, { runs: opts.runs, kind });
	const median = (key) => {
		const values = runs.map((r) => r[key]).sort((x, y) => x - y);
		return values[Math.floor(values.length / 2)];
	};
	const ms = (key) => `${Math.round(median(key))} ms`;
	const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
	const r = runs[0];
	const what = kind === 'ledger' ? 'a space that is mostly its ledger' : 'the rest of a collective in proportion (half the large space)';
	console.log(`${kind}: ${what}`);
	console.log(`  everything: file ${kib(r.fileAll)} (update ${kib(r.rawAll)}), export ${ms('exportAll')}, import on an empty device ${ms('importAll')} (${r.added.toLocaleString('en')} changes added); export + import ${Math.round(median('exportAll') + median('importAll'))} ms`);
	console.log(`  the same file again: ${ms('importAgain')} (${r.againAdded} added)`);
	console.log(`  what a device lacks after a day: file ${kib(r.fileLacking)} (update ${kib(r.rawLacking)}), export ${ms('exportLacking')}, import ${ms('importLacking')} (${r.dayAdded.toLocaleString('en')} changes added)`);
	console.log(`  keys derived once per space: ${ms('keys')}; every device ends with the sender's state: ${runs.every((x) => x.same)}`);
	allSame &&= runs.every((x) => x.same);
	}
	if (!allSame) process.exitCode = 1;
} finally {
	await browser.close();
	server.close();
}
