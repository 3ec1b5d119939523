/**
 * The resource form says why a save was refused in the person's language,
 * whatever the form was given: a quantity written with a thousands separator
 * is read as people write it, and a draft restored longer than the form allows
 * (maxlength holds back typing, not a restored value) is refused with the
 * field named in French, never with the schema library's English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

describe('the resource form', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let device: BrowserContext;
	let page: Page;
	let app: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
		page = await device.newPage();
		app = new AppModel(page);
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('reads a quantity as people write it, and refuses a restored draft in French', async () => {
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		const spaceId = await app.createCollective('Épicerie solidaire');

		await app.addResource({ kind: 'Nourriture', name: 'Riz', quantity: '1 000', unit: 'kg' });
		await expect.poll(() => app.resource('Riz').locator('.quantity').textContent()).toMatch(/^1\s?000\s?kg$/);

		await page.evaluate(
			([key, name]) => sessionStorage.setItem(key!, JSON.stringify({ kind: 'equipment', name, description: '', quantity: '', unit: '', location: '', expiresOn: '', availability: 'available' })),
			[`passerelle:draft:${spaceId}:new`, 'Perceuse '.repeat(30)]
		);
		await page.reload();
		const form = page.getByRole('form', { name: 'Ajouter une ressource' });
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		const alert = form.getByRole('alert');
		await expect.poll(() => alert.textContent()).toContain('« Nom » est trop long : 120 caractères au plus.');
		expect(await alert.textContent()).not.toMatch(/Invalid|Expected|received|Error/);
		// The form keeps what was there, to be shortened.
		expect(await form.getByLabel('Nom', { exact: true }).inputValue()).toBe('Perceuse '.repeat(30));
		await expect.poll(() => app.resources().count()).toBe(1);
	});
});
