/**
 * An edit made while the relay is out of reach, then the browser's IndexedDB
 * is cleared (site data removed for one store, or evicted) while localStorage
 * survives: the app says once that the change was lost, and stops counting it
 * as waiting, instead of showing "1 modification en attente" forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const LOST = "1 modification faite sur cet appareil n'avait jamais été envoyée et a été perdue avec les données du navigateur";

describe('changes lost with the browser data', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;
	let device: BrowserContext;
	let page: Page;
	let app: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
		page = await device.newPage();
		app = new AppModel(page);
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('are reported once, and no longer counted as waiting', async () => {
		await page.goto(`${link.origin}/`);
		await app.chooseName('Alice');
		const spaceId = await app.createCollective('Atelier GKN');
		await app.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await app.waitSynced();
		await app.waitControlledByServiceWorker();

		await link.cut();
		await device.setOffline(true);
		await app.waitOffline();
		await app.addResource({ kind: 'Véhicule', name: 'Camionnette' });
		await expect.poll(() => app.syncStatus().textContent()).toContain("1 modification en attente d'envoi");
		const marksKey = `passerelle:pending:${spaceId}`;
		const marksBefore = await page.evaluate((key) => localStorage.getItem(key), marksKey);
		expect(JSON.parse(marksBefore ?? '[]')).toHaveLength(1);

		// IndexedDB goes, localStorage stays.
		const cdp = await device.newCDPSession(page);
		await cdp.send('Storage.clearDataForOrigin', { origin: link.origin, storageTypes: 'indexeddb' });
		await page.reload();

		const alert = page.getByRole('alert').filter({ hasText: LOST });
		await alert.waitFor();
		// The lost change's mark is gone from the device.
		await expect
			.poll(async () => JSON.parse((await page.evaluate((key) => localStorage.getItem(key), marksKey)) ?? '[]'))
			.not.toContainEqual(JSON.parse(marksBefore ?? '[]')[0]);

		await alert.getByRole('button', { name: "J'ai compris" }).click();
		await expect.poll(() => alert.count()).toBe(0);

		// Once the relay is back, nothing waits any more, and the relay's copy returns.
		await device.setOffline(false);
		await link.restore();
		await app.waitSynced();
		await app.resource('Perceuse').waitFor();
		await expect.poll(() => app.resources().count()).toBe(1);
		expect(await app.syncStatus().getAttribute('data-pending')).toBe('0');

		// Told once: a later visit says nothing more.
		await page.reload();
		await app.resource('Perceuse').waitFor();
		await app.waitSynced();
		expect(await page.getByRole('alert').filter({ hasText: LOST }).count()).toBe(0);
	});
});
