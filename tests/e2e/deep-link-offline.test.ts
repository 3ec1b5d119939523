/**
 * A first visit through a deep link (an invite or a bookmark opens /s/<id>/needs) installs
 * the service worker at the root, and the app then opens offline at any path. With the relay
 * really stopped and no network, the header says the device is offline and that changes are
 * kept on it, instead of "Connexion…" forever; it says synced again once the relay is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const OFFLINE_FR = 'Hors ligne — vos modifications sont gardées sur cet appareil';

describe('deep links and offline', () => {
	let relay: RelayProcess;
	let browser: Browser;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('a first visit through a deep link is controlled by the root service worker and opens offline after', async () => {
		const base = `http://127.0.0.1:${relay.port}`;
		const context = await newDevice(browser, 'fr-FR');
		const page = await context.newPage();
		await page.goto(`${base}/s/AbCdEfGhIjKlMnOpQrStUv/needs`);
		await page.getByRole('link', { name: 'Passerelle' }).waitFor();
		await expect
			.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null))
			.toBe(`${base}/sw.js`);
		const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope ?? null);
		expect(scope).toBe(`${base}/`);

		await context.setOffline(true);
		for (const path of ['/s/AbCdEfGhIjKlMnOpQrStUv/history', '/']) {
			const response = await page.goto(`${base}${path}`);
			expect(response?.fromServiceWorker()).toBe(true);
			await page.getByRole('link', { name: 'Passerelle' }).waitFor();
		}
		await page.getByLabel('Votre nom').waitFor();
		await context.close();
	});

	it('says offline, and that changes are kept here, while the relay is stopped and the network gone', async () => {
		const context = await newDevice(browser, 'fr-FR');
		const app = new AppModel(await context.newPage());
		await app.page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Amina');
		await app.createCollective('Cantine');
		await app.waitSynced();

		const { port, dataDir } = relay;
		await relay.kill('SIGTERM');
		await context.setOffline(true);
		await expect.poll(() => app.syncStatus().textContent()).toContain(OFFLINE_FR);
		await app.waitOffline();
		await app.addResource({ kind: 'Nourriture', name: 'Riz', quantity: '5', unit: 'kg' });
		await expect.poll(() => app.syncStatus().textContent()).toContain("1 modification en attente d'envoi");
		// Still said after the retries made meanwhile: each one that fails leaves the device offline.
		expect(await app.syncStatus().textContent()).toContain(OFFLINE_FR);
		expect(await app.syncStatus().textContent()).not.toContain('Connexion');
		expect(await app.page.locator('body').textContent()).not.toMatch(/relais/i);

		relay = await startRelayProcess({ port, dataDir });
		await context.setOffline(false);
		await app.waitSynced();
		expect(await app.syncStatus().textContent()).not.toContain('Hors ligne');
		await context.close();
	});
});
