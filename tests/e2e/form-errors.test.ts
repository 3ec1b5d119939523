/**
 * No form fails without a word, and a form's old error goes on the next try:
 * a conditional pledge dated in the past is refused on screen, the next try
 * over the cap says only that, and a pledge that fits clears the message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { plain } from './decisions-model';

describe('a pledge form', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let a: AppModel;
	const errors: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		a.page.on('console', (message) => {
			if (message.type() === 'error') errors.push(message.text());
		});
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('says each refusal and drops the previous one on the next try', async () => {
		const page = a.page;
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier vélo');
		await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Besoins' }).click();
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Loyer');
		await needForm.getByLabel('Objectif').fill('100');
		await needForm.getByLabel('Plafond').fill('100');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Loyer' }).waitFor();

		const form = page.getByRole('form', { name: 'Promettre' });
		const alert = form.getByRole('alert');
		await form.getByLabel(/Montant/).fill('20');
		await form.getByRole('checkbox', { name: /Seulement si/ }).check();
		await form.getByLabel(/Seuil/).fill('50');
		await form.getByLabel('Date limite du seuil').fill('2021-03-01');
		await form.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await alert.waitFor();
		expect(plain(await alert.textContent())).toContain('aujourd’hui ou plus tard');
		expect(await page.locator('li.pledge').count()).toBe(0);

		// The next try fails for another reason: only that reason is said.
		await form.getByRole('checkbox', { name: /Seulement si/ }).uncheck();
		await form.getByLabel(/Montant/).fill('150');
		await form.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await expect.poll(async () => plain((await alert.textContent()) ?? '')).toContain('dépasserait le plafond');
		expect(plain(await alert.textContent())).not.toContain('aujourd’hui');

		// A pledge that fits goes through, and the form has nothing left to say.
		await form.getByLabel(/Montant/).fill('50');
		await form.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await page.locator('li.pledge').waitFor();
		expect(await alert.count()).toBe(0);
		expect(errors).toEqual([]);
	});
});
