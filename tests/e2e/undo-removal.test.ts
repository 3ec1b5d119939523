/**
 * A removal taken back: right after removing an inventory item, closing a
 * need or cancelling a booking, a notice says what went and « Annuler »
 * brings it back as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { plain } from './decisions-model';
import { MoneyModel } from './money-model';

function tomorrowAt(hour: number): string {
	const today = new Date();
	const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T${pad(hour)}:00`;
}

describe('a removal', () => {
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

	it('of an item, a need or a booking is taken back with « Annuler »', async () => {
		const page = a.page;
		const nav = page.getByRole('navigation', { name: 'Rubriques du collectif' });
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier vélo');
		await a.addResource({ kind: 'Local, salle', name: 'Atelier' });

		// An inventory item.
		await a.resource('Atelier').getByRole('button', { name: /Retirer/ }).click();
		const notice = page.locator('.undo[role="status"]');
		await notice.waitFor();
		expect(plain(await notice.textContent())).toContain("« Atelier » a été retiré de l'inventaire.");
		await a.resource('Atelier').waitFor({ state: 'detached' });
		expect(await seriousViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBe(0);
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await a.resource('Atelier').waitFor();
		await notice.waitFor({ state: 'detached' });

		// A booking.
		await nav.getByRole('link', { name: 'Réservations' }).click();
		const form = page.getByRole('form', { name: 'Réserver ou prêter' });
		await form.getByLabel('Début').fill(tomorrowAt(18));
		await form.getByLabel('Fin').fill(tomorrowAt(20));
		await form.getByRole('button', { name: 'Demander' }).click();
		await page.locator('.booking[data-status="requested"]').waitFor();
		await page.getByRole('button', { name: 'Annuler la réservation' }).click();
		await page.locator('.booking[data-status="cancelled"]').waitFor();
		expect(plain(await notice.textContent())).toContain('La réservation de « Atelier »');
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await page.locator('.booking[data-status="requested"]').waitFor();
		await notice.waitFor({ state: 'detached' });

		// A need.
		await nav.getByRole('link', { name: 'Besoins' }).click();
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Chambres à air');
		await needForm.getByLabel('Objectif').fill('60');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Chambres à air' }).waitFor();
		const status = page.getByTestId('need-status');
		await page.getByRole('button', { name: 'Clore' }).click();
		await expect.poll(() => status.textContent()).toBe('Clos');
		expect(plain(await notice.textContent())).toContain('Le besoin « Chambres à air » a été clos.');
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await expect.poll(() => status.textContent()).toBe('Ouvert');
		await notice.waitFor({ state: 'detached' });
	});

	it('of a form’s last write, an item added or changed or a ledger entry, is taken back on both phones', async () => {
		const page = a.page;
		const invite = await a.inviteLink();
		const b = new AppModel(await (await newDevice(browser, 'it-IT')).newPage());
		await b.page.goto(invite);
		await b.page.getByLabel('Il tuo nome').fill('Bruno');
		await b.page.getByRole('button', { name: 'Unisciti' }).click();
		await b.page.getByRole('link', { name: 'Inventario', exact: true }).click();
		await b.resource('Atelier').waitFor();
		const notice = page.locator('.undo[role="status"]');

		// Added, then taken back: gone on both phones, and kept among the removed items.
		await page.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await b.resource('Perceuse').waitFor();
		expect(plain(await notice.textContent())).toContain("« Perceuse » a été ajouté à l'inventaire.");
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await a.resource('Perceuse').waitFor({ state: 'detached' });
		await b.resource('Perceuse').waitFor({ state: 'detached' });
		await page.getByLabel('Voir les ressources retirées').check();
		await a.resource('Perceuse').waitFor();
		await page.getByLabel('Voir les ressources retirées').uncheck();

		// Changed, then taken back: the earlier place comes back on both phones.
		await a.resource('Atelier').getByRole('button', { name: 'Modifier' }).click();
		const form = page.getByRole('form', { name: 'Modifier la ressource' });
		await form.getByLabel('Emplacement').fill('Sous-sol');
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await b.resource('Atelier').getByText('📍 Sous-sol').waitFor();
		expect(plain(await notice.textContent())).toContain('« Atelier » a été modifié.');
		expect(await horizontalOverflow(page)).toBe(0);
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await notice.waitFor({ state: 'detached' });
		await a.resource('Atelier').getByText('📍 Sous-sol').waitFor({ state: 'detached' });
		await b.resource('Atelier').getByText('📍 Sous-sol').waitFor({ state: 'detached' });

		// A ledger entry, taken back: reversed, so the fund is back to nothing on both phones.
		const money = new MoneyModel(page);
		await money.open();
		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		// The new fund's page says what was done, with « Annuler » carried over from the form's page.
		expect(plain(await notice.textContent())).toContain('Fonds « Caisse » créé.');
		await money.open('Écritures');
		await money.addEntry({ fund: 'Caisse (Caisse, EUR)', direction: 'Entrée', amount: '12', category: 'Don', outside: 'Voisins' });
		expect(plain(await notice.textContent())).toContain('« Caisse » : +12,00 €, à annuler si c\'est une erreur.');
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await notice.waitFor({ state: 'detached' });
		await money.open('Fonds');
		expect(await money.fundBalance('Caisse')).toBe('0,00 €');
		await b.page.getByRole('navigation').getByRole('link', { name: 'Denaro' }).click();
		await b.page.getByRole('article', { name: 'Caisse', exact: true }).waitFor();
		await expect.poll(async () => plain(await b.page.getByRole('article', { name: 'Caisse', exact: true }).locator('.amount').first().textContent())).toBe('0,00 €');

		// A need recorded by mistake, taken back from its own page: closed on both phones, in the history.
		await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Besoins' }).click();
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Gants en double');
		await needForm.getByLabel('Objectif').fill('20');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Gants en double' }).waitFor();
		expect(plain(await notice.textContent())).toContain('Besoin « Gants en double » enregistré.');
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await notice.waitFor({ state: 'detached' });
		await expect.poll(() => page.getByTestId('need-status').textContent()).toBe('Clos');
		const needPath = new URL(page.url()).pathname;
		await b.page.goto(new URL(needPath, b.page.url()).href);
		await expect.poll(() => b.page.getByTestId('need-status').textContent()).toBe('Chiuso');
	});
});
