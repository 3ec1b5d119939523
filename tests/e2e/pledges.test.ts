/**
 * A pledge marked delivered by mistake is taken back: the pledge is promised again, its
 * amount can be corrected, and the history keeps the mark, its undoing and the change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { plain } from './decisions-model';

describe('a pledge marked by mistake', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let a: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('is taken back, corrected, and the history keeps every step', async () => {
		const page = a.page;
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier vélo');
		await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Besoins' }).click();
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Chambres à air');
		await needForm.getByLabel('Objectif').fill('60');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Chambres à air' }).waitFor();

		const pledgeForm = page.getByRole('form', { name: 'Promettre' });
		await pledgeForm.getByLabel(/Montant/).fill('25');
		await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		const card = page.locator('li.pledge');
		const state = () => card.locator('.state').textContent();
		await expect.poll(state).toBe('Promise');

		await card.getByRole('button', { name: 'Marquer comme tenue' }).click();
		await expect.poll(state).toBe('Tenue');
		await card.getByRole('button', { name: 'Annuler « tenue »' }).click();
		await expect.poll(state).toBe('Promise');
		await card.getByRole('button', { name: 'Marquer comme tenue' }).waitFor();

		// A promise can be corrected: its amount changes, within the cap.
		await card.getByRole('button', { name: 'Modifier' }).click();
		const edit = card.getByRole('form', { name: 'Modifier la promesse' });
		await edit.getByLabel(/Montant/).fill('abc');
		await edit.getByRole('button', { name: 'Enregistrer' }).click();
		await edit.getByRole('alert').waitFor();
		await edit.getByLabel(/Montant/).fill('30');
		await edit.getByRole('button', { name: 'Enregistrer' }).click();
		await expect.poll(async () => plain(await card.textContent())).toContain('30,00 €');
		await edit.waitFor({ state: 'detached' });

		// …and so can its condition: only if the need reaches 50 by a date still to come.
		await card.getByRole('button', { name: 'Modifier' }).click();
		const again = card.getByRole('form', { name: 'Modifier la promesse' });
		await again.getByLabel('Seulement si le besoin atteint un seuil').check();
		await again.getByLabel(/Seuil/).fill('50');
		await again.getByLabel('Date limite du seuil').fill('2020-01-01');
		await again.getByRole('button', { name: 'Enregistrer' }).click();
		await expect.poll(() => again.getByRole('alert').textContent()).toContain('date limite aujourd’hui ou plus tard');
		await expect.poll(state).toBe('Promise');
		const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
		await again.getByLabel('Date limite du seuil').fill(inAMonth);
		await again.getByRole('button', { name: 'Enregistrer' }).click();
		await again.waitFor({ state: 'detached' });
		await expect.poll(state).toBe('Sous condition');

		// An outside supporter's name, mistyped, is corrected the same way.
		await pledgeForm.getByRole('radio', { name: 'Un soutien extérieur' }).check();
		await pledgeForm.getByLabel('Nom du soutien').fill('Velo club');
		await pledgeForm.getByLabel(/Montant/).fill('10');
		await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		const theirs = page.locator('li.pledge', { hasText: 'Velo club' });
		await theirs.getByRole('button', { name: 'Modifier' }).click();
		const rename = theirs.getByRole('form', { name: 'Modifier la promesse' });
		await rename.getByLabel('Nom du soutien').fill('Vélo-Club Nord');
		await rename.getByRole('button', { name: 'Enregistrer' }).click();
		await page.locator('li.pledge', { hasText: 'Vélo-Club Nord' }).waitFor();
		expect(await page.locator('li.pledge', { hasText: 'Velo club' }).count()).toBe(0);

		await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Historique' }).click();
		const undone = page.locator('[data-action="pledge.delivery_undone"]');
		await undone.waitFor();
		expect(plain(await undone.textContent())).toContain('Alice a annulé la tenue d’une promesse');
		await page.locator('[data-action="pledge.delivered"]').waitFor();
		// The line is worded when read, in French: euros as the page writes them, never the stored code.
		const edited = page.locator('[data-action="pledge.edited"]', { hasText: /25,00\s€/ });
		await edited.waitFor();
		expect(plain(await edited.textContent())).toContain('Alice a modifié une promesse');
		expect(plain(await edited.textContent())).toContain('Chambres à air · 30,00 €');
		expect(await edited.textContent()).not.toContain('EUR');
	});
});
