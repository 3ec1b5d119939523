/**
 * The first screen kept on the device: while a space's document loads from
 * IndexedDB (seconds for a space two years old on a slow phone), the page
 * shows the inventory as it was last seen, says so, and gives way to the live
 * document once it has loaded. The load is held back here by another tab that
 * keeps IndexedDB's store of the space busy, as a slow phone would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const KEPT_NOTICE = 'Affichage de votre dernière visite';

/** The names of the resources in the inventory kept for `spaceId`, read from the device's IndexedDB. */
function keptInventory(page: Page, spaceId: string): Promise<string[]> {
	return page.evaluate(
		(id) =>
			new Promise<string[]>((resolve) => {
				const open = indexedDB.open('passerelle:first-screen');
				open.onerror = () => resolve([]);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('screens')) return resolve([]);
					const get = db.transaction('screens').objectStore('screens').get(id);
					get.onsuccess = () => {
						const rows = get.result?.views?.inventory?.value?.rows ?? [];
						resolve(rows.map((row: { resource: { name: string } }) => row.resource.name));
					};
				};
			}),
		spaceId
	);
}

/** Keeps the space's stored updates busy from this page until `release()` is called in it. */
async function holdStore(page: Page, spaceId: string): Promise<void> {
	await page.evaluate(
		(id) =>
			new Promise<void>((held) => {
				const open = indexedDB.open(`passerelle:${id}`);
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
		spaceId
	);
}

describe('the first screen kept on the device', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let device: BrowserContext;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('shows while the space loads, says so, and gives way to the live space', async () => {
		const page = await device.newPage();
		const app = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		const spaceId = await app.createCollective('Atelier des Lilas');
		await app.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await app.addResource({ kind: 'Véhicule', name: 'Camionnette' });
		await expect.poll(() => keptInventory(page, spaceId), { timeout: 15_000 }).toEqual(['Camionnette', 'Perceuse']);

		const other = await device.newPage();
		await other.goto(`http://127.0.0.1:${relay.port}/`);
		await holdStore(other, spaceId);
		await page.reload();
		await page.getByText(KEPT_NOTICE).waitFor();
		await app.resource('Perceuse').waitFor();
		await app.resource('Camionnette').waitFor();
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Atelier des Lilas');

		await other.evaluate(() => (window as unknown as { release: () => void }).release());
		await page.getByText(KEPT_NOTICE).waitFor({ state: 'detached' });
		// Live again: a change shows at once, and is kept for the next visit.
		await app.addResource({ kind: 'Nourriture', name: 'Lentilles' });
		expect(await page.getByTestId('resource-count').textContent()).toContain('3');
		await expect.poll(() => keptInventory(page, spaceId), { timeout: 15_000 }).toEqual(['Camionnette', 'Lentilles', 'Perceuse']);
	});

	it('keeps a change made just before the page is left', async () => {
		const page = await device.newPage();
		const app = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		const spaceId = await app.createCollective('Ressourcerie');
		await app.addResource({ kind: 'Matériel', name: 'Établi' });
		await expect.poll(() => keptInventory(page, spaceId), { timeout: 15_000 }).toEqual(['Établi']);
		// A second change right after the first was kept, then the page is left at once: the
		// next opening must not show the screen from before it.
		await app.addResource({ kind: 'Matériel', name: 'Scie' });
		await page.goto(`http://127.0.0.1:${relay.port}/manifest.webmanifest`);
		await expect.poll(() => keptInventory(page, spaceId), { timeout: 5_000 }).toEqual(['Établi', 'Scie']);
		await page.close();
	});

	it('reloads every page a moment after a change without breaking it', async () => {
		const page = await device.newPage();
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		const app = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		const spaceId = await app.createCollective('Cantine');
		await app.addResource({ kind: 'Matériel', name: 'Marmite' });
		for (const section of ['history', 'transparency', 'needs', 'decisions', 'money', 'bookings', 'conflicts', 'members', '']) {
			await page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/${section}`);
			// Long enough for the first screen to be kept again and for idle work to run.
			await page.waitForTimeout(3500);
			await page.reload();
			await page.getByRole('heading', { level: 1, name: 'Cantine' }).waitFor();
			await page.waitForTimeout(500);
			expect(errors, `/${section}`).toEqual([]);
		}
	});
});
