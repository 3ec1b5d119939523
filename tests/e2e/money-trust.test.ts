/**
 * Money a collective can trust, on a 360 px phone in French: a decision that
 * would spend more than its fund holds says so before it is adopted, and the
 * negative balance it leaves is explained and traced; a money pledge
 * delivered records its money in a fund in the same step, and the need says
 * what counts toward it, the same money once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { MoneyModel, plain } from './money-model';

describe('money a collective can trust', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let app: AppModel;
	let page: Page;
	let base = '';

	/** Opens a section by its address, so that the test does not depend on how the navigation is laid out. */
	async function go(path: string, heading: string): Promise<void> {
		await page.goto(`${base}${path}`);
		await page.getByRole('heading', { level: 2, name: heading }).waitFor();
	}

	/** Nothing wider than the phone. */
	async function fitsThePhone(): Promise<void> {
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	}

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		page = await (await newDevice(browser, 'fr-FR')).newPage();
		app = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Amina');
		const id = await app.createCollective('Cantine populaire');
		base = `http://127.0.0.1:${relay.port}/s/${id}`;

		const money = new MoneyModel(page);
		await go('/money', 'Fonds');
		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		await go('/money/ledger', 'Écritures');
		await money.addEntry({ direction: 'Entrée', amount: '400', category: 'Don', outside: 'Fête de quartier' });
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('says before adoption that a 500 € allocation leaves the fund 100 € short, and traces the negative balance after', async () => {
		await go('/decisions', 'Décisions');
		await page.getByRole('button', { name: 'Nouvelle proposition' }).click();
		const form = page.getByRole('form', { name: 'Nouvelle proposition' });
		await form.getByLabel('Titre').fill('Acheter un four');
		await form.getByLabel('Proposition').fill('Le four de la cantine a lâché.');
		await form.getByRole('radio', { name: 'Consentement' }).check();
		await form.getByRole('button', { name: 'Ajouter une affectation' }).click();
		const allocation = form.getByRole('group', { name: 'Affectation 1' });
		await allocation.getByLabel('Effet').selectOption({ label: "De l'argent d'un fonds" });
		await allocation.getByLabel(/^Fonds/).selectOption({ label: 'Caisse (EUR)' });
		const note = allocation.getByTestId('allocation-balance');
		await expect.poll(async () => plain(await note.textContent())).toBe('« Caisse » contient 400,00 €.');
		await allocation.getByLabel(/^Montant/).fill('500');
		await expect
			.poll(async () => plain(await note.textContent()))
			.toBe('« Caisse » contient 400,00 € : il manquera 100,00 € si la décision est adoptée.');
		await fitsThePhone();
		await form.getByRole('button', { name: 'Proposer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Acheter un four' }).waitFor();

		// The close form says it again, before anyone picks « Adoptée ».
		await page.getByRole('button', { name: 'Clore la décision' }).click();
		const close = page.getByRole('form', { name: 'Clore la décision' });
		const shortfall = close.getByTestId('close-shortfall');
		await shortfall.waitFor();
		expect(plain(await shortfall.textContent())).toBe(
			"Le fonds n'a pas cet argent « Caisse » contient 400,00 € : il manquera 100,00 € si la décision est adoptée."
		);
		await fitsThePhone();
		await close.getByRole('radio', { name: 'Adoptée' }).check();
		await close.getByLabel('Ce qui a été décidé').fill('Adopté malgré tout : un don est promis.');
		await close.getByRole('button', { name: "Enregistrer l'issue" }).click();
		await page.getByRole('region', { name: /^Issue : / }).waitFor();

		// The conflicts page says what a negative balance is and links the money out behind it.
		await go('/conflicts', 'Conflits');
		const row = page.locator('li.conflict[data-kind="negative_fund"]');
		await row.waitFor();
		const text = plain(await row.textContent());
		expect(text).toMatch(/Caisse : .100,00 €/);
		expect(text).toContain('Ce fonds a dépensé plus qu\'il ne contenait : une décision adoptée sans que le fonds ait l\'argent');
		const culprits = row.getByTestId('negative-culprits');
		expect(plain(await culprits.textContent())).toMatch(/500,00 € · décision « Acheter un four »/);
		await fitsThePhone();
		await culprits.getByRole('link', { name: /500,00 €/ }).click();
		await page.waitForURL(/\/money\/ledger\/[A-Za-z0-9_-]+$/);
		await go('/conflicts', 'Conflits');
		await page.locator('li.conflict[data-kind="negative_fund"]').getByRole('link', { name: 'décision « Acheter un four »' }).click();
		await page.getByRole('heading', { level: 2, name: 'Acheter un four' }).waitFor();
	});

	it('records a delivered money pledge in the chosen fund in one step, and the need counts that money once', async () => {
		await go('/needs', 'Besoins');
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Loyer de janvier');
		await needForm.getByLabel('Objectif').fill('1000');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Loyer de janvier' }).waitFor();
		const needUrl = page.url();

		// A money pledge is an amount in the need's currency, not a quantity.
		const pledgeForm = page.getByRole('form', { name: 'Promettre' });
		await pledgeForm.getByLabel('Montant (EUR)').fill('300');
		await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		const card = page.locator('li.pledge');
		await expect.poll(() => card.locator('.state').textContent()).toBe('Promise');

		await card.getByRole('button', { name: 'Marquer comme tenue' }).click();
		const fund = card.getByLabel("Enregistrer l'argent reçu dans");
		expect(await fund.inputValue()).not.toBe('');
		expect(plain(await fund.locator('option:checked').textContent())).toBe('Caisse');
		await fitsThePhone();
		await card.getByRole('button', { name: 'Confirmer : tenue' }).click();
		await expect.poll(() => card.locator('.state').textContent()).toBe('Tenue');
		await card.getByRole('link', { name: 'Argent enregistré dans les écritures' }).waitFor();

		const counts = page.getByRole('region', { name: 'Ce qui compte pour ce besoin' });
		await counts.waitFor();
		expect(plain(await counts.textContent())).toContain('Promesses tenues : 300,00 €');
		expect(plain(await counts.textContent())).toContain('Compté : 300,00 €');
		await expect.poll(async () => plain(await page.getByRole('progressbar').first().getAttribute('aria-valuetext'))).toBe('300,00 € reçus sur 1 000,00 €');
		await fitsThePhone();
		await counts.getByRole('link', { name: 'Voir les écritures de ce besoin' }).click();
		await page.getByRole('heading', { level: 2, name: 'Écritures' }).waitFor();
		await expect.poll(async () => plain(await page.getByText(/^\d+ écritures?$/).textContent())).toBe('1 écriture');
		await page.goBack();
		await page.getByRole('heading', { level: 2, name: 'Loyer de janvier' }).waitFor();

		// The ledger holds the money once, in the fund chosen, from the member, for the need.
		await card.getByRole('link', { name: 'Argent enregistré dans les écritures' }).click();
		await page.waitForURL(/\/money\/ledger\/[A-Za-z0-9_-]+$/);
		const entry = plain(await page.locator('main').textContent());
		expect(entry).toContain('300,00 €');
		expect(entry).toContain('Loyer de janvier');
		await go('/money', 'Fonds');
		// 400 given, 500 spent by the decision, 300 delivered: 200.
		expect(await new MoneyModel(page).fundBalance('Caisse')).toBe('200,00 €');

		// An 800 € donation earmarked for the need counts toward it, once.
		await go('/money/ledger', 'Écritures');
		await page.getByRole('button', { name: 'Nouvelle écriture' }).click();
		const entryForm = page.getByRole('form', { name: 'Nouvelle écriture' });
		await entryForm.getByRole('radio', { name: /^Entrée/ }).check();
		await entryForm.getByLabel('Montant').fill('800');
		await entryForm.getByLabel('Catégorie').selectOption({ label: 'Don' });
		await entryForm.getByRole('combobox', { name: /^Besoin/ }).selectOption({ label: 'Loyer de janvier' });
		await entryForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('status').getByText('Écriture enregistrée.').waitFor();
		// Met, the need leaves the list of open needs: opened by its address.
		await page.goto(needUrl);
		const after = page.getByRole('region', { name: 'Ce qui compte pour ce besoin' });
		await after.waitFor();
		expect(plain(await after.textContent())).toContain('Dons fléchés vers ce besoin dans les écritures : 800,00 €');
		expect(plain(await after.textContent())).toContain('Compté : 1 100,00 €');
		await expect.poll(async () => plain(await page.getByRole('progressbar').first().getAttribute('aria-valuetext'))).toBe('1 100,00 € reçus sur 1 000,00 €');
		expect(plain(await page.getByTestId('need-status').textContent())).toBe('Atteint');
	});
});
