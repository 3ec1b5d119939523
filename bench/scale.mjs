// How the app holds up as a collective grows: a small and a large space, generated with the
// domain's own writes, synced through the real relay into Debian's Chromium; then, with the
// relay stopped (the device really offline) and the CPU slowed down through CDP, the time of
// each step a person takes, median of several runs, and the same for a first join through an
// invite with the relay running again.
// Steps are timed in the page, to the first frame drawn with what the step brings; the times a
// check from outside sees (which pays for its own queries) are logged beside them.
//
// Run with: npm run bench:scale [-- --only small|large] [--runs N] [--throttle N] [--timeout S] [--fresh]
// A generated space is kept under bench/.cache/ and replayed on later runs of the same day; --fresh generates it again.
// (it builds first; `node bench/scale.mjs …` alone uses the build already there).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import { median, mib, printTable, seconds, show as showIn } from './scale/report.mjs';
import { freePort, relayQuiet, startRelay } from './scale/relay.mjs';
import { drawnAfter, stored, timed, waitFor } from './scale/measure.mjs';

const ROOT = resolve(import.meta.dirname, '..');

function options(argv) {
	const result = { only: null, runs: 5, throttle: 4, timeout: 180, fresh: false };
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i];
		const value = argv[i + 1];
		const number = () => {
			const n = Number(value);
			if (!Number.isFinite(n) || n <= 0) fail(`${name} needs a positive number, got "${value ?? ''}"`);
			i++;
			return n;
		};
		if (name === '--only') {
			if (value !== 'small' && value !== 'large') fail(`--only takes small or large, got "${value ?? ''}"`);
			result.only = value;
			i++;
		} else if (name === '--fresh') result.fresh = true;
		else if (name === '--runs') result.runs = Math.floor(number());
		else if (name === '--throttle') result.throttle = number();
		else if (name === '--timeout') result.timeout = number();
		else fail(`unknown option "${name}" (known: --only small|large, --runs N, --throttle N, --timeout S, --fresh)`);
	}
	return result;
}

function fail(message) {
	console.error(`bench:scale: ${message}`);
	process.exit(2);
}

const opts = options(process.argv.slice(2));
const TIMEOUT = opts.timeout * 1000;
/** Setting up the large space is not measured against a target and may take longer. */
const SETUP_TIMEOUT = Math.max(TIMEOUT, 900_000);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const log = (message) => console.log(`  ${message}`);
const show = (ms) => showIn(ms, opts.timeout);

const [{ module: client }, { module: appModel }] = await Promise.all([
	runnerImport(join(ROOT, 'bench/scale/client.ts'), { configFile: false, logLevel: 'error' }),
	runnerImport(join(ROOT, 'tests/e2e/app-model.ts'), { configFile: false, logLevel: 'error' })
]);
const { AppModel } = appModel;

async function newDevice(browser) {
	return browser.newContext({ locale: 'fr-FR', viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
}

async function throttle(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.throttle });
	await cdp.send('Performance.enable');
	return cdp;
}

const digits = (text) => Number((text ?? '').replace(/\D/g, ''));

/** The number the inventory's count line shows, or -1 while it is not on screen. */
async function shownCount(page) {
	const count = page.getByTestId('resource-count');
	if ((await count.count()) === 0) return -1;
	return digits(await count.first().textContent());
}

const section = (page, label) => page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: label, exact: true });
const inventoryShown = async (page) => {
	await page.getByTestId('resource-count').waitFor({ timeout: TIMEOUT });
	await page.getByRole('article').first().waitFor({ timeout: TIMEOUT });
};

/** Opens a section by its link and waits for its first row. */
async function open(page, label, row) {
	const { drawn, outside } = await drawnAfter(page, row, () => section(page, label).click({ timeout: TIMEOUT }), TIMEOUT);
	outsideTimes.push(`${label} ${show(outside)}`);
	return drawn;
}

/** What a check from outside measured, for the log. */
const outsideTimes = [];

const ROWS = [
	['reload', 'reload to the space\'s content on screen', 1000],
	['answers', 'reload until the page answers a check from outside', null],
	['live', 'reload until the space has loaded (changes made at once)', null],
	['add', 'add one inventory item until it shows', 100],
	['addAnswers', 'add one item until a check from outside sees it', null],
	['inventory', 'open the inventory page', 500],
	['needs', 'open needs', 500],
	['ledger', 'open the ledger', 500],
	['decisions', 'open decisions', 500],
	['history', 'open history', 500],
	['transparency', 'open transparency', 500],
	['join', 'first join through an invite (sync + IndexedDB + render)', 10_000]
];

async function benchSize(browser, size) {
	console.log(`\n${size} space`);
	const figures = Object.fromEntries(ROWS.map(([key]) => [key, []]));
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-scale-'));
	const origin = `http://127.0.0.1:${port}`;
	let relay = await startRelay(port, dataDir);
	const device = await newDevice(browser);
	const extra = {};
	try {
		const page = await device.newPage();
		page.setDefaultTimeout(TIMEOUT);
		page.on('crash', () => log('the page crashed'));
		const app = new AppModel(page);
		await page.goto(`${origin}/`);
		await app.chooseName('Camille Martin');
		const spaceId = await app.createCollective('Atelier des Lilas', 'Outils, cantine et caisse de grève du quartier');
		await app.waitSynced();
		await app.waitControlledByServiceWorker();
		// The members page shows little of the space: the browser takes the updates without redrawing lists.
		const invite = await app.inviteLink();

		const member = await client.joinAsMember(origin, invite, TIMEOUT);
		let generated;
		try {
			const before = performance.now();
			generated = client.generateInto(member, size, log, opts.fresh ? undefined : join(ROOT, 'bench/.cache'));
			extra.generation = generated.ms;
			const bytes = client.documentBytes(member.doc);
			extra.document = bytes;
			log(`generated ${generated.writes} writes (${generated.activity} activity records) in ${seconds(generated.ms)}; document ${(bytes.v1 / 2 ** 20).toFixed(1)} MiB (update v2 ${(bytes.v2 / 2 ** 20).toFixed(1)} MiB)`);
			const written = performance.now();
			if (!(await member.drained(SETUP_TIMEOUT))) throw new Error('the generating device did not send everything');
			if (!(await client.relayHolds(origin, invite, member.doc, SETUP_TIMEOUT))) throw new Error('the relay does not hold the generated space');
			extra.upload = performance.now() - written;
			log(`the relay holds it ${seconds(extra.upload)} after generation`);
			// As a member's device would: the old history goes to the space's archive room.
			const archived = await client.archiveAsMember(origin, invite, member, SETUP_TIMEOUT);
			if (!(await member.drained(SETUP_TIMEOUT))) throw new Error('the generating device did not send its archiving');
			if (!(await client.relayHolds(origin, invite, member.doc, SETUP_TIMEOUT))) throw new Error('the relay does not hold the archived space');
			const lighter = client.documentBytes(member.doc);
			extra.archived = { records: archived.removed, document: lighter };
			log(`archived ${archived.removed} history records; document ${(lighter.v1 / 2 ** 20).toFixed(1)} MiB (update v2 ${(lighter.v2 / 2 ** 20).toFixed(1)} MiB)`);
			await section(page, 'Inventaire').click();
			await waitFor('the browser to show every resource', async () => (await shownCount(page)) === generated.resources, SETUP_TIMEOUT, 1000);
			extra.browserSync = performance.now() - written;
			const kept = await stored(page, SETUP_TIMEOUT);
			extra.stored = kept.settledAt - written;
			log(`the browser shows it ${seconds(extra.browserSync)} after generation, its storage stopped growing ${seconds(extra.stored)} after (IndexedDB ${mib(kept.indexedDB)}, in all ${mib(kept.usage)}); ${seconds(performance.now() - before)} from the start of generation`);
		} finally {
			member.destroy();
		}

		// Really offline: an open WebSocket would keep syncing through setOffline.
		const status = () =>
			page.locator('.sync').first().evaluate((el) => `${el.getAttribute('data-state')} (${el.textContent?.trim()})`, undefined, { timeout: 10_000 }).catch(() => 'not readable');
		log(`stopping the relay; the page says ${await status()}`);
		const stopping = performance.now();
		await relay.stop();
		log(`the relay stopped in ${seconds(performance.now() - stopping)}`);
		try {
			await app.waitOffline();
		} catch (error) {
			throw new Error(`the page does not show that it is offline (it says ${await status()}): ${error?.message ?? error}`);
		}
		await page.goto(`${origin}/s/${spaceId}`);
		await waitFor('the offline reload to show the whole inventory', async () => (await shownCount(page)) === generated.resources, SETUP_TIMEOUT, 500);

		// Whether the first screen kept on the device showed before the live one, however briefly.
		// And when the inventory's rows were drawn: the first frame after they are in the page, timed
		// in the page from the navigation. A check from outside (Playwright's) runs only between the
		// page's tasks, so while the document loads it can see the rows late: its time is the next row.
		await page.addInitScript(() => {
			new MutationObserver((_changes, observer) => {
				if (document.querySelector('[data-testid="first-screen-kept"]')) window.__keptScreenSeen = true;
				if (window.__drawnAt === undefined && document.querySelector('[data-testid="resource-count"]') && document.querySelector('article')) {
					window.__drawnAt = null;
					requestAnimationFrame(() => (window.__drawnAt = performance.now()));
				}
				if (window.__keptScreenSeen && window.__drawnAt) observer.disconnect();
			}).observe(document, { childList: true, subtree: true });
		});
		const cdp = await throttle(page);
		const heap = [];
		const nodes = [];
		for (let run = 0; run < opts.runs; run++) {
			const reloaded = performance.now();
			let fromDevice = false;
			figures.answers.push(await timed(async () => {
				await page.goto(`${origin}/s/${spaceId}`, { timeout: TIMEOUT });
				await inventoryShown(page);
				fromDevice = await page.evaluate(() => Boolean(window.__keptScreenSeen));
			}));
			const drawn = figures.answers.at(-1) === Infinity ? null : await page.evaluate(() => new Promise((resolve) => {
				const check = () => (window.__drawnAt ? resolve(window.__drawnAt) : requestAnimationFrame(check));
				check();
			}));
			figures.reload.push(drawn ?? Infinity);
			log(`reload ${run + 1}: ${fromDevice ? 'the first screen kept on the device showed first' : 'no first screen kept on the device'}`);
			// The first screen may be the one kept from the last visit: the space is live once it has loaded.
			const loaded = await timed(async () => {
				await page.getByTestId('first-screen-kept').waitFor({ state: 'detached', timeout: TIMEOUT });
				await page.getByTestId('space-loading').waitFor({ state: 'detached', timeout: TIMEOUT });
				await inventoryShown(page);
			});
			figures.live.push(loaded === Infinity ? Infinity : performance.now() - reloaded);
			const name = `0 Établi ajouté ${run + 1}`;
			try {
				await page.getByRole('button', { name: 'Ajouter une ressource' }).click();
				const form = page.getByRole('form', { name: 'Ajouter une ressource' });
				await form.getByLabel('Type').selectOption({ label: 'Matériel' });
				await form.getByLabel('Nom', { exact: true }).fill(name);
				// Timed in the page too: from the form's submission to the first frame with the new row.
				await page.evaluate((added) => {
					window.__addDrawn = undefined;
					document.addEventListener('submit', () => {
						const submitted = performance.now();
						const seen = () => [...document.querySelectorAll('article')].some((a) => a.textContent?.includes(added));
						new MutationObserver((_changes, observer) => {
							if (!seen()) return;
							observer.disconnect();
							requestAnimationFrame(() => (window.__addDrawn = performance.now() - submitted));
						}).observe(document.body, { childList: true, subtree: true, characterData: true });
					}, { once: true, capture: true });
				}, name);
				figures.addAnswers.push(await timed(async () => {
					await form.getByRole('button', { name: 'Enregistrer' }).click();
					await app.resource(name).waitFor({ timeout: TIMEOUT });
				}));
				figures.add.push(await page.evaluate(() => new Promise((resolve) => {
					const check = () => (window.__addDrawn !== undefined ? resolve(window.__addDrawn) : requestAnimationFrame(check));
					check();
				})));
			} catch (error) {
				if (error?.name !== 'TimeoutError') throw error;
				figures.add.push(Infinity);
				figures.addAnswers.push(Infinity);
			}
			figures.needs.push(await open(page, 'Besoins', 'section[aria-labelledby="needs-title"] article'));
			// The ledger is one of the money pages: the funds first, then its own link.
			await section(page, 'Argent').click();
			await page.getByRole('navigation', { name: "Rubriques de l'argent" }).waitFor().catch(() => {});
			const ledger = await drawnAfter(page, 'section[aria-labelledby="ledger-title"] ul.plain > li', () =>
				page.getByRole('navigation', { name: "Rubriques de l'argent" }).getByRole('link', { name: 'Écritures' }).click({ timeout: TIMEOUT }), TIMEOUT);
			figures.ledger.push(ledger.drawn);
			outsideTimes.push(`ledger ${show(ledger.outside)}`);
			const metrics = await cdp.send('Performance.getMetrics');
			heap.push(metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN);
			nodes.push(await page.evaluate(() => document.getElementsByTagName('*').length));
			figures.decisions.push(await open(page, 'Décisions', 'section[aria-labelledby="decisions-title"] article'));
			figures.history.push(await open(page, 'Historique', 'section[aria-labelledby="history-title"] li.line'));
			figures.transparency.push(await open(page, 'Transparence', 'section[aria-labelledby="transparency-title"] h3'));
			figures.inventory.push(await open(page, 'Inventaire', '[data-testid="resource-count"]'));
			log(`run ${run + 1}: ${ROWS.filter(([key]) => key !== 'join').map(([key]) => `${key} ${show(figures[key].at(-1))}`).join(', ')}`);
			log(`  seen from outside: ${outsideTimes.splice(0).join(', ')}`);
		}
		extra.heap = median(heap);
		extra.nodes = median(nodes);
		const kept = await stored(page, TIMEOUT);
		extra.indexedDB = kept.indexedDB;
		extra.storage = kept.usage;

		// A newcomer joins with the relay running again. The device that reloaded is put away,
		// and the relay has loaded the room and gone quiet before the first join is timed: on
		// this machine they would take the CPU a phone has to itself, and a relay runs elsewhere.
		await device.close();
		relay = await startRelay(port, dataDir);
		await client.fetchWhole(origin, invite, TIMEOUT);
		await relayQuiet(relay);
		for (let run = 0; run < opts.runs; run++) {
			const newcomer = await newDevice(browser);
			try {
				const joiner = await newcomer.newPage();
				joiner.setDefaultTimeout(TIMEOUT);
				await joiner.goto(invite);
				await joiner.getByLabel('Votre nom').fill(`Nouvelle ${run + 1}`);
				await throttle(joiner);
				// Until every resource is on screen and what the device keeps has stopped growing.
				const started = performance.now();
				let shown = Infinity;
				let kept = Infinity;
				let synced = Infinity;
				let count = -1;
				try {
					await joiner.getByRole('button', { name: 'Rejoindre' }).click();
					await waitFor('the newcomer to show every resource', async () => {
						if (synced === Infinity && (await joiner.locator('.sync[data-state="synced"]').count()) > 0) synced = performance.now();
						count = await shownCount(joiner);
						return count >= generated.resources;
					}, TIMEOUT, 100);
					shown = performance.now();
					kept = (await stored(joiner, Math.max(0, started + TIMEOUT - performance.now()))).settledAt;
				} catch (error) {
					if (error?.name !== 'TimeoutError') throw error;
				}
				figures.join.push(Math.max(shown, kept) - started);
				const since = (at) => (at === Infinity ? 'not yet' : show(at - started));
				log(`join ${run + 1}: ${show(figures.join.at(-1))} (synced with the relay ${since(synced)}, every resource on screen ${since(shown)}` +
					`${shown === Infinity ? `, ${count < 0 ? 'no inventory' : `${count} resources`} shown` : ''}, storage settled ${since(kept)})`);
			} finally {
				await newcomer.close();
			}
		}
	} finally {
		await device.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
	return { medians: Object.fromEntries(ROWS.map(([key]) => [key, median(figures[key])])), extra };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = {};
try {
	for (const size of ['small', 'large']) {
		if (opts.only && opts.only !== size) continue;
		results[size] = await benchSize(browser, size);
	}
} catch (error) {
	console.error(`\nbench:scale stopped: ${error?.message ?? error}`);
	process.exitCode = 1;
} finally {
	await browser.close();
}
printTable(results, ROWS, opts);
