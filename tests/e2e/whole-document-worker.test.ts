/**
 * The ledger's export and a transparency report over years are made in a
 * worker, with their progress on screen, and work with the relay stopped once
 * the app was visited: the worker's script comes from the service worker's
 * precache. The space holds a few thousand ledger entries over two years,
 * written with the domain's own functions into the device's IndexedDB copy of
 * a collective created in the browser, then opened by the app as any stored
 * change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import * as Y from 'yjs';
import { formatMoney, localDate } from '../../src/lib/domain/core';
import { listMembers } from '../../src/lib/domain/space';
import { ledgerJson, listEntries, listFunds, recordEntry } from '../../src/lib/domain/money';
import { readNeeds } from '../../src/lib/domain/needs';
import { listDecisions } from '../../src/lib/domain/decisions';
import { transparencyView } from '../../src/lib/domain/reports';
import { generateSpace } from '../../bench/scale/generate';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { MoneyModel } from './money-model';
import { storedUpdates, storeUpdate } from './device-store';

/** The generated history's last day: two years of it before. */
const END = Date.UTC(2026, 10, 28);
const ENTRIES = 3000;
const KNOWN_AT = new Date(2025, 5, 15, 10, 30).getTime();

/** Spaces and NBSPs as plain spaces: Intl writes narrow no-break spaces in French amounts. */
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

async function readDownload(download: Download): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/** Keeps the space's stored updates busy from `page` until `release()` is called in it. */
async function holdStore(page: Page, spaceId: string): Promise<void> {
	await page.evaluate(
		(name) =>
			new Promise<void>((held) => {
				const open = indexedDB.open(name);
				open.onsuccess = () => {
					const store = open.result.transaction('updates', 'readwrite').objectStore('updates');
					let released = false;
					(window as unknown as { release: () => void }).release = () => (released = true);
					// A transaction stays open while it has requests: chain them until released.
					const again = () => {
						if (!released) store.count().onsuccess = again;
					};
					again();
					held();
				};
			}),
		`passerelle:${spaceId}`
	);
}

/** Records, in the page, each percentage the progress bar showed. */
async function watchProgress(page: Page): Promise<void> {
	await page.evaluate(() => {
		const seen: number[] = [];
		(window as unknown as { progressSeen: number[] }).progressSeen = seen;
		const look = () => {
			const bar = document.querySelector('[data-testid="work-progress"]');
			if (bar) seen.push(Number(bar.getAttribute('data-percent')));
		};
		new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
	});
}

/** The ledger's count of entries as shown ("3 001 écritures"), 0 while not shown. */
async function entryCount(page: Page): Promise<number> {
	const shown = page.getByText(/^\d[\d\s\u202f\u00a0]*écritures?$/);
	if ((await shown.count()) === 0) return 0;
	return Number((await shown.first().textContent())?.replace(/\D/g, '') ?? 0);
}

/** Waits for `ready` outside a test (expect.poll is for tests). */
async function until(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await ready())) {
		if (Date.now() > deadline) throw new Error('not ready in time');
		await new Promise((done) => setTimeout(done, 200));
	}
}

const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen.splice(0));

describe('whole-document work in a worker, offline', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let device: BrowserContext;
	let page: Page;
	let spaceId: string;
	/** The space as the device holds it, in Node: what the files and reports must show. */
	const doc = new Y.Doc();
	let knownId = '';
	const workers: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
		page = await device.newPage();
		page.on('worker', (worker) => workers.push(worker.url()));
		const app = new AppModel(page);
		const origin = `http://127.0.0.1:${relay.port}`;
		await page.goto(`${origin}/`);
		await app.chooseName('Alice');
		spaceId = await app.createCollective('Atelier des Lilas');
		await app.waitSynced();
		await app.waitControlledByServiceWorker();

		// Away from the space, so that its copy on the device is not open while it grows.
		await page.goto(`${origin}/manifest.webmanifest`);
		for (const update of await storedUpdates(page, spaceId)) Y.applyUpdate(doc, Buffer.from(update, 'base64'));
		const before = Y.encodeStateVector(doc);
		generateSpace(
			doc,
			{ members: 8, resources: 20, funds: 4, entries: ENTRIES, needs: 6, pledges: 40, decisions: 30, positions: 60, bookings: 120 },
			{ seed: 51, end: END, batch: 500 }
		);
		const alice = listMembers(doc).items.find((m) => m.name === 'Alice')!;
		const cash = listFunds(doc).items.find((f) => f.name === 'Caisse')!;
		const known = recordEntry(
			doc,
			{ fundId: cash.id, date: '2025-06-15', amount: 123_456, direction: 'out', category: 'purchase', note: 'Peinture du local, facture 2025-117' },
			alice.id,
			KNOWN_AT
		);
		if (!known.ok) throw new Error(`entry refused: ${known.reason}`);
		knownId = known.id;
		await storeUpdate(page, spaceId, Y.encodeStateAsUpdate(doc, before));

		// Opened once with the relay there: the space syncs up, and the app is installed.
		await page.goto(`${origin}/s/${spaceId}/money/ledger`);
		await until(async () => (await entryCount(page)) === ENTRIES + 1, 60_000);
		await app.waitSynced();
		await app.waitControlledByServiceWorker();
		expect(workers.filter((url) => url.includes('derive.worker'))).toEqual([]);

		// The relay stopped: nothing is served but by the service worker.
		await relay.kill('SIGTERM');
		await device.setOffline(true);
		const reloaded = await page.reload();
		expect(reloaded?.fromServiceWorker()).toBe(true);
	}, 240_000);

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('drops an export under way when the page is left: no file comes afterwards', async () => {
		const downloads: string[] = [];
		const onDownload = (d: Download) => downloads.push(d.suggestedFilename());
		page.on('download', onDownload);
		try {
			await expect.poll(() => entryCount(page), { timeout: 60_000 }).toBe(ENTRIES + 1);
			// Another tab keeps the device's copy busy: the worker cannot have read the space before the page is left.
			const other = await device.newPage();
			await other.goto(`http://127.0.0.1:${relay.port}/`);
			await holdStore(other, spaceId);
			await page.getByRole('button', { name: 'Exporter en CSV' }).click();
			await page.getByTestId('work-progress').waitFor();
			await page.getByRole('link', { name: 'Transparence' }).click();
			await page.getByRole('heading', { name: 'Transparence' }).waitFor();
			await other.evaluate(() => (window as unknown as { release: () => void }).release());
			await other.close();
			await page.waitForTimeout(3000);
			expect(downloads).toEqual([]);
			expect(workers.some((url) => url.includes('derive.worker'))).toBe(true);
		} finally {
			page.off('download', onDownload);
		}
		await page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/money/ledger`);
	});

	it('exports the ledger as CSV and JSON through the worker, showing its progress, with the relay stopped', async () => {
		const count = listEntries(doc).items.length;
		expect(count).toBe(ENTRIES + 1);
		await expect.poll(() => entryCount(page), { timeout: 60_000 }).toBe(count);
		await watchProgress(page);

		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en CSV' }).click()]);
		const text = await readDownload(download);
		expect(workers.some((url) => url.includes('derive.worker'))).toBe(true);
		const seen = await progressSeen(page);
		expect(seen.length).toBeGreaterThan(0);
		expect(Math.max(...seen)).toBeGreaterThan(0);

		const rows = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
		expect(rows[0]).toMatch(/^"Date";"Fonds";"Sens";"Montant";"Monnaie";"Catégorie";/);
		expect(rows).toHaveLength(count + 1);
		const at = new Date(KNOWN_AT);
		const two = (n: number) => String(n).padStart(2, '0');
		const recorded = `${two(at.getDate())}/${two(at.getMonth() + 1)}/${at.getFullYear()} ${two(at.getHours())}:${two(at.getMinutes())}`;
		expect(rows).toContain(
			`"15/06/2025";"Caisse";"Sortie";1234,56;"EUR";"Achat";"";"Peinture du local, facture 2025-117";"";"";"";"";"${knownId}";"";"";"${recorded}";"Alice"`
		);

		// The same entries for tools, as the domain lists them.
		const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en JSON (pour les outils)' }).click()]);
		const parsed = JSON.parse(await readDownload(json)) as { entries: unknown[] };
		const linked = { needs: () => readNeeds(doc).items, decisions: () => listDecisions(doc).items };
		expect(parsed.entries).toEqual((JSON.parse(ledgerJson(doc, {}, linked)) as { entries: unknown[] }).entries);
	});

	it('makes the transparency report over several years in the worker, with the ledger’s totals', async () => {
		await page.getByRole('link', { name: 'Transparence' }).click();
		await page.getByRole('heading', { name: 'Transparence' }).waitFor();
		await watchProgress(page);

		const totals = async (from: string, to: string) => {
			const view = transparencyView(doc, from, to);
			const eur = view.flows.find((f) => f.currency === 'EUR')!;
			expect(eur.received + eur.spent).toBeGreaterThan(0);
			return plain(`Total ${formatMoney(eur.received, 'EUR', 'fr')} ${formatMoney(eur.spent, 'EUR', 'fr')}`);
		};
		const shownTotal = async () => (await page.locator('table.flows tfoot tr').first().locator('th, td').allTextContents()).map(plain).join(' ');

		await page.getByRole('textbox', { name: 'Du', exact: true }).fill('2024-01-01');
		await page.getByRole('textbox', { name: 'Au', exact: true }).fill('2026-11-28');
		const years = await totals('2024-01-01', '2026-11-28');
		await expect.poll(shownTotal).toBe(years);
		const seen = await progressSeen(page);
		expect(seen.length).toBeGreaterThan(0);

		await page.getByRole('button', { name: 'Depuis le début' }).click();
		await expect.poll(shownTotal).toBe(await totals('0001-01-01', localDate()));
		await page.getByText(/^Depuis le début du collectif jusqu'au/).waitFor();

		// Years of decisions and bookings are listed a page at a time, the totals above counting them all.
		const all = transparencyView(doc, '0001-01-01', localDate());
		expect(all.decisions.length).toBeGreaterThan(20);
		expect(all.bookings.length).toBeGreaterThan(50);
		expect(await page.locator('li.card').count()).toBe(20);
		const bookings = page.getByRole('list', { name: 'Ressources prêtées et réservées' }).getByRole('listitem');
		expect(await bookings.count()).toBe(50);
		await page.getByText(`50 affichés sur ${all.bookings.length}`).waitFor();
		await page.getByRole('button', { name: `Afficher ${Math.min(20, all.decisions.length - 20)} de plus` }).click();
		await expect.poll(() => page.locator('li.card').count()).toBe(Math.min(40, all.decisions.length));
	});

	it('makes the long report again a moment after the space changes, here in another tab', async () => {
		const before = transparencyView(doc, '0001-01-01', localDate()).flows.find((f) => f.currency === 'EUR')!;
		const other = await device.newPage();
		await other.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/money/ledger`);
		await expect.poll(() => entryCount(other), { timeout: 60_000 }).toBe(ENTRIES + 1);
		await new MoneyModel(other).addEntry({ fund: 'Caisse (Caisse, EUR)', direction: 'Sortie', amount: '500,00', category: 'Achat', note: 'Échafaudage' });
		await other.close();

		// Still « Depuis le début » on the first tab: the new purchase counts, the income does not move.
		const after = plain(`Total ${formatMoney(before.received, 'EUR', 'fr')} ${formatMoney(before.spent + 50_000, 'EUR', 'fr')}`);
		await expect
			.poll(async () => (await page.locator('table.flows tfoot tr').first().locator('th, td').allTextContents()).map(plain).join(' '))
			.toBe(after);
	});
});
