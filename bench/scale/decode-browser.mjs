// The cost of loading a space's whole state in Chromium at 4x CPU slowdown,
// outside the app: IndexedDB write and read of it as one row, Y.applyUpdate,
// encodeStateAsUpdate (what a compaction of the stored updates costs), and
// toJSON of the largest structures. Reads the newest large space kept under
// bench/.cache/ by the scale bench.
//   node bench/scale/decode-browser.mjs [path/to/space.bin]
import { chromium } from 'playwright-core';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';

const here = import.meta.dirname;
const cache = join(here, '../.cache');
const file = process.argv[2] ?? join(cache, readdirSync(cache).filter((f) => f.startsWith('large-') && f.endsWith('.bin'))
	.sort((a, b) => statSync(join(cache, b)).mtimeMs - statSync(join(cache, a)).mtimeMs)[0]);
const decoder = decoding.createDecoder(readFileSync(file));
const source = new Y.Doc();
while (decoding.hasContent(decoder)) Y.applyUpdate(source, decoding.readVarUint8Array(decoder));
const bundle = join(mkdtempSync(join(tmpdir(), 'decode-')), 'y.js');
execFileSync(join(here, '../../node_modules/.bin/rolldown'), [join(here, 'decode-entry.js'), '--format', 'iife', '--file', bundle], { stdio: 'ignore' });
const files = { '/': '<html><script src="/y.js"></script></html>', '/y.js': readFileSync(bundle), '/state.bin': Y.encodeStateAsUpdate(source) };
const srv = http.createServer((q, r) => { const b = files[q.url]; r.writeHead(b ? 200 : 404, { 'content-type': q.url === '/' ? 'text/html' : q.url.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' }); r.end(b ?? ''); }).listen(0, '127.0.0.1');
await new Promise((ok) => srv.on('listening', ok));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${srv.address().port}/`);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
const out = await page.evaluate(async () => {
	const r = {};
	let t = performance.now();
	const buf = new Uint8Array(await (await fetch('/state.bin')).arrayBuffer()); r.fetch = performance.now() - t;
	const open = () => new Promise((ok, ko) => { const q = indexedDB.open('bench', 1); q.onupgradeneeded = () => q.result.createObjectStore('updates', { autoIncrement: true }); q.onsuccess = () => ok(q.result); q.onerror = () => ko(q.error); });
	const db = await open();
	const done = (tx) => new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = () => ko(tx.error); });
	t = performance.now(); let tx = db.transaction('updates', 'readwrite'); tx.objectStore('updates').add(buf); await done(tx); r.idbWrite = performance.now() - t;
	t = performance.now(); tx = db.transaction('updates', 'readonly'); const q = tx.objectStore('updates').getAll(); await done(tx); const got = q.result; r.idbRead = performance.now() - t;
	const times = [];
	for (let i = 0; i < 2; i++) { const doc = new Y.Doc(); t = performance.now(); Y.applyUpdate(doc, got[0]); times.push(performance.now() - t); if (i === 0) { t = performance.now(); Y.encodeStateAsUpdate(doc); r.encodeState = performance.now() - t; t = performance.now(); const m = doc.getMap('ledger'); let n = 0; for (const e of m.values()) { e.toJSON(); n++; } r.ledgerToJSON = performance.now() - t; t = performance.now(); doc.getArray('activity').toJSON(); r.activityToJSON = performance.now() - t; t = performance.now(); doc.getMap('resources').toJSON(); r.resourcesToJSON = performance.now() - t; } }
	r.applyUpdate = times;
	return r;
});
console.log(`4x CPU, ${(files['/state.bin'].length / 1048576).toFixed(1)} MiB v1 state, ms:`, JSON.stringify(out, (k, v) => typeof v === 'number' ? Math.round(v) : v));
await browser.close(); srv.close();
