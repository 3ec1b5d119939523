/**
 * A new version is deployed while a member is typing: the app offers to
 * reload into it, and what was typed is still there afterwards.
 */
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { ROOT, requireAppBuild, startRelayProcess, tempDir, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

describe('updating to a new version', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let staticDir: string;

	beforeAll(async () => {
		requireAppBuild();
		staticDir = tempDir('static');
		cpSync(join(ROOT, 'build'), staticDir, { recursive: true });
		relay = await startRelayProcess({ staticDir });
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('offers the new version and keeps an unsaved form across the reload', async () => {
		const context = await newDevice(browser, 'fr-FR');
		const page = await context.newPage();
		const app = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		await app.createCollective('Cantine');
		await app.waitControlledByServiceWorker();

		await page.getByRole('button', { name: 'Ajouter une ressource' }).click();
		const form = page.getByRole('form', { name: 'Ajouter une ressource' });
		await form.getByLabel('Nom', { exact: true }).fill('Pâtes en cours de saisie');
		await form.getByLabel('Quantité').fill('12');

		// Deploy: any byte changed in the service worker is a new version.
		appendFileSync(join(staticDir, 'sw.js'), '\n// next version\n');
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration?.update();
		});
		await page.getByText('Une nouvelle version est prête').waitFor();
		const waitingBefore = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null);
		expect(waitingBefore).toBe(true);

		await Promise.all([
			page.waitForEvent('framenavigated'),
			page.getByRole('button', { name: 'Passer à la nouvelle version' }).click()
		]);
		await page.waitForLoadState('load');
		const restored = page.getByRole('form', { name: 'Ajouter une ressource' });
		await restored.waitFor();
		expect(await restored.getByLabel('Nom', { exact: true }).inputValue()).toBe('Pâtes en cours de saisie');
		expect(await restored.getByLabel('Quantité').inputValue()).toBe('12');
		await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
		// The new worker took over: nothing is left waiting.
		const waitingAfter = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null);
		expect(waitingAfter).toBeNull();
		await context.close();
	});
});
