// Figures for a phone's first visit and an offline reload, in Debian's Chromium:
//   - JavaScript loaded by the first visit of /, raw and gzipped;
//   - time from an offline reload to the inventory being on screen (median of runs).
// Run with: npm run bench:app [-- --files] (needs `npm run build` first).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const RESOURCES = 50;
const RUNS = 7;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const port = await new Promise((done) => {
	const s = createServer();
	s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => done(p)); });
});
const relay = spawn(process.execPath, ['sync-server/dist/main.js'], {
	env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-')) },
	stdio: 'ignore'
});
const origin = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
	try { if ((await fetch(`${origin}/healthz`)).ok) break; } catch {}
	if (i > 100) throw new Error('relay did not start');
	await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 360, height: 740 } });
const page = await context.newPage();

const scripts = new Map();
page.on('response', async (response) => {
	if (response.request().resourceType() !== 'script') return;
	try { scripts.set(response.url(), await response.body()); } catch {}
});
await page.goto(`${origin}/`);
await page.getByRole('heading', { name: 'Bienvenue' }).waitFor();
await page.waitForLoadState('networkidle');
let raw = 0, gz = 0;
const sizes = [];
for (const [url, body] of scripts) {
	const zipped = gzipSync(body, { level: 9 }).length;
	raw += body.length;
	gz += zipped;
	sizes.push([zipped, new URL(url).pathname]);
}
// With --files, what each file weighs, the heaviest first: where to look when the total grows.
if (process.argv.includes('--files')) for (const [zipped, path] of sizes.sort((a, b) => b[0] - a[0])) console.log(`${(zipped / 1024).toFixed(1).padStart(6)} KiB  ${path}`);
page.removeAllListeners('response');

// A collective with a realistic inventory, added through the UI.
await page.getByLabel('Votre nom').fill('Bench');
await page.getByRole('button', { name: 'Continuer' }).click();
await page.getByLabel('Nom du collectif').fill('Banc d’essai');
await page.getByRole('button', { name: 'Créer', exact: true }).click();
await page.waitForURL(/\/s\/[^/]+\/home$/);
await page.getByRole('link', { name: 'Inventaire', exact: true }).click();
await page.waitForURL(/\/s\/[^/]+$/);
for (let i = 0; i < RESOURCES; i++) {
	await page.getByRole('button', { name: 'Ajouter une ressource' }).click();
	const form = page.getByRole('form', { name: 'Ajouter une ressource' });
	await form.getByLabel('Nom', { exact: true }).fill(`Objet ${String(i).padStart(3, '0')}`);
	await form.getByLabel('Quantité').fill(String(i));
	await form.getByRole('button', { name: 'Enregistrer' }).click();
}
await page.evaluate(() => navigator.serviceWorker.ready);
await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
relay.kill('SIGTERM');
await context.setOffline(true);

const times = [];
for (let i = 0; i < RUNS; i++) {
	const start = performance.now();
	await page.reload();
	await page.getByRole('article', { name: `Objet ${String(RESOURCES - 1).padStart(3, '0')}` }).waitFor();
	times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
await browser.close();

console.log(`first visit JavaScript: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzipped`);
console.log(`offline reload to a ${RESOURCES}-item inventory on screen: median ${times[RUNS >> 1].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[RUNS - 1].toFixed(0)}, ${RUNS} runs)`);
