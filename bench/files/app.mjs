// Sync by file in the app itself, as a person does it: a phone holding a collective imports a
// file of a space with 10,000 ledger entries (the "ledger" space of bench/files/run.mjs, made
// into a .passerelle file with the collective's own keys), exports the whole collective again,
// and a second phone that joined offline imports that file. Chromium at 4x CPU slowdown, no
// relay in reach; each time is stamped in the page, from the form's submit (or the picker's
// change) until the page says it is done, so it counts what the page redraws from the merged
// document too, and not the time the harness takes to hand a file to the picker.
//
// Run with: npm run bench:files (after run.mjs, which generates the space), or
//   node bench/files/app.mjs [--runs N] [--throttle N]   with the app built.
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import * as Y from 'yjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SPACE_FILE = join(ROOT, 'bench/.cache/files-ledger-day.bin');

function options(argv) {
	const result = { runs: 3, throttle: 4 };
	for (let i = 0; i < argv.length; i += 2) {
		const name = argv[i];
		const value = Number(argv[i + 1]);
		if ((name === '--runs' || name === '--throttle') && Number.isFinite(value) && value > 0) result[name.slice(2)] = value;
		else {
			console.error(`bench:files: unknown or bad option "${name}" (known: --runs N, --throttle N)`);
			process.exit(2);
		}
	}
	return result;
}
const opts = options(process.argv.slice(2));

if (!existsSync(join(ROOT, 'build/index.html'))) {
	console.error('bench:files: build/index.html is missing: run "npm run build:app" first');
	process.exit(2);
}
if (!existsSync(SPACE_FILE)) {
	console.error('bench:files: the generated space is missing: run "node bench/files/run.mjs" first');
	process.exit(2);
}

const load = (path) => runnerImport(join(ROOT, path), { configFile: false, logLevel: 'error' }).then((r) => r.module);
const [{ startRelayProcess }, { AppModel }, bundle, { parseInvite }] = await Promise.all([
	load('tests/support/relay-process.ts'),
	load('tests/e2e/app-model.ts'),
	load('src/lib/sync/bundle.ts'),
	load('src/lib/sync/invite.ts')
]);

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 180_000;

async function phone(browser, origin) {
	const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
	const model = new AppModel(await context.newPage());
	model.page.setDefaultTimeout(TIMEOUT);
	await model.page.goto(`${origin}/`);
	await model.waitControlledByServiceWorker();
	await context.setOffline(true);
	return { context, model };
}

async function slowed(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.throttle });
}

/**
 * Stamps, in the page, when `startEvent` reaches `startSelector` and when `doneTestId` appears:
 * the time the app took, without the time the harness takes to hand the file over.
 */
async function stampInPage(page, startSelector, startEvent, doneTestId) {
	await page.evaluate(
		({ startSelector, startEvent, doneTestId }) => {
			const stamps = {};
			window.__stamps = stamps;
			document.querySelector(startSelector).addEventListener(startEvent, () => (stamps.start = performance.now()), { capture: true, once: true });
			const observer = new MutationObserver(() => {
				if (stamps.start !== undefined && document.querySelector(`[data-testid="${doneTestId}"]`)) {
					stamps.end = performance.now();
					observer.disconnect();
				}
			});
			observer.observe(document.body, { childList: true, subtree: true, characterData: true });
		},
		{ startSelector, startEvent, doneTestId }
	);
}

const stamped = (page) => page.evaluate(() => window.__stamps.end - window.__stamps.start);

async function importFile(page, name, bytes) {
	// The files page draws its panels once the space has loaded.
	await page.locator('input[name="bundle-file"]').waitFor({ state: 'attached' });
	await stampInPage(page, 'input[name="bundle-file"]', 'change', 'bundle-report');
	await page.getByLabel('Choisir un fichier .passerelle').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
	await page.getByTestId('bundle-report').waitFor();
	await page.waitForFunction(() => window.__stamps.end !== undefined);
	return stamped(page);
}

const relay = await startRelayProcess();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const origin = `http://127.0.0.1:${relay.port}`;
const source = new Y.Doc();
Y.applyUpdate(source, readFileSync(SPACE_FILE));
const rows = [];
try {
	for (let run = 0; run < opts.runs; run++) {
		const a = await phone(browser, origin);
		const b = await phone(browser, origin);
		try {
			await a.model.chooseName('Alice');
			await a.model.createCollective('Atelier', '');
			const invite = await a.model.inviteLink();
			const parsed = parseInvite(invite);
			if (!parsed.ok) throw new Error('the invite did not parse');
			const { spaceId, secret } = parsed.invite;
			const file = Buffer.from(await bundle.exportBundle(source, await bundle.bundleKeys({ id: spaceId, secret, access: 'member' })));

			await b.model.page.goto(invite);
			await b.model.page.getByLabel('Votre nom').fill('Bruno');
			await b.model.page.getByRole('button', { name: 'Rejoindre' }).click();
			await b.model.page.waitForURL(/\/s\//);

			const pageA = a.model.page;
			await pageA.getByRole('link', { name: 'Fichiers' }).click();
			await slowed(pageA);
			const importEmpty = await importFile(pageA, 'atelier.passerelle', file);
			const report = await pageA.getByTestId('bundle-report').textContent();

			await stampInPage(pageA, 'form', 'submit', 'bundle-exported');
			const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: 'Exporter le fichier' }).click()]);
			const exported = await readFile(await download.path());
			await pageA.getByTestId('bundle-exported').waitFor();
			await pageA.waitForFunction(() => window.__stamps.end !== undefined);
			const exportAll = await stamped(pageA);

			const pageB = b.model.page;
			await pageB.getByRole('link', { name: 'Fichiers' }).click();
			await slowed(pageB);
			const importOther = await importFile(pageB, 'atelier.passerelle', exported);
			// B holds everything A holds (and its own joining, which A has not seen).
			const vectorOf = async (page) => {
				const code = await page.getByRole('textbox', { name: 'Le code de cet appareil' }).inputValue();
				return Y.decodeStateVector(bundle.parseVectorCode(code) ?? new Uint8Array([0]));
			};
			let same = false;
			for (let i = 0; i < 50 && !same; i++) {
				const [held, got] = [await vectorOf(pageA), await vectorOf(pageB)];
				same = held.size > 0 && [...held].every(([client, clock]) => (got.get(client) ?? 0) >= clock);
				if (!same) await pageB.waitForTimeout(200);
			}
			rows.push({ importEmpty, exportAll, importOther, fileBytes: exported.length, report, same });
		} finally {
			await a.context.close();
			await b.context.close();
		}
	}
} finally {
	await browser.close();
	await relay.kill('SIGTERM');
}

const median = (key) => {
	const values = rows.map((r) => r[key]).sort((x, y) => x - y);
	return Math.round(values[Math.floor(values.length / 2)]);
};
console.log(`In the app, 10,000 ledger entries, Chromium at ${opts.throttle}x CPU slowdown, 360 px phone, median of ${opts.runs} runs`);
console.log(`  import into a phone holding the collective, nearly empty: ${median('importEmpty')} ms (« ${rows[0].report.trim()} »)`);
console.log(`  export of the whole collective: ${median('exportAll')} ms, file ${(rows[0].fileBytes / 1024).toFixed(0)} KiB`);
console.log(`  import of that file on a second phone: ${median('importOther')} ms`);
console.log(`  export + import: ${median('exportAll') + median('importOther')} ms; the second phone holds all the first one does: ${rows.every((r) => r.same)}`);
if (!rows.every((r) => r.same)) process.exitCode = 1;
