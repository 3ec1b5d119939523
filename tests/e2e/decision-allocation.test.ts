/**
 * Visible allocation, across devices: a decision that sends money from the
 * cash box to a need is adopted on one phone; the other phone shows the
 * ledger entry it produced, the need's progress, and the history line, each
 * traced to the decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { DecisionsModel, plain } from './decisions-model';
import { MoneyModel } from './money-model';

describe('a decision that allocates money', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let a: AppModel;
	let pageB: Page;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		pageB = await (await newDevice(browser, 'fr-FR')).newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('is adopted on one phone and traced on the other: ledger entry, need progress, history', async () => {
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Cantine populaire');

		const money = new MoneyModel(a.page);
		await money.open('Fonds');
		await money.createFund({ name: 'Caisse commune', kind: 'Caisse' });
		await money.open('Écritures');
		await money.addEntry({ direction: 'Entrée', amount: '200', category: 'Don', outside: 'Fête de quartier' });

		await a.page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Besoins' }).click();
		await a.page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = a.page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Loyer de décembre');
		await needForm.getByLabel('Objectif').fill('500');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await a.page.getByRole('heading', { level: 2, name: 'Loyer de décembre' }).waitFor();

		const invite = await a.inviteLink();
		await pageB.goto(invite);
		await pageB.getByLabel('Votre nom').fill('Bruno');
		await pageB.getByRole('button', { name: 'Rejoindre' }).click();
		await pageB.waitForURL(/\/s\//);

		const decisions = new DecisionsModel(a.page);
		await decisions.open();
		const form = await decisions.startProposal();
		await form.getByLabel('Titre').fill('Payer une part du loyer');
		await form.getByLabel('Proposition').fill('150 € de la caisse pour le loyer.');
		await form.getByRole('radio', { name: 'Consentement' }).check();
		await form.getByRole('button', { name: 'Ajouter une affectation' }).click();
		const allocation = form.getByRole('group', { name: 'Affectation 1' });
		await allocation.getByLabel('Effet').selectOption({ label: "De l'argent d'un fonds" });
		await allocation.getByLabel(/^Fonds/).selectOption({ label: 'Caisse commune (EUR)' });
		await allocation.getByLabel(/^Montant/).fill('150');
		await allocation.getByLabel('Pour le besoin (facultatif)').selectOption({ label: 'Loyer de décembre' });
		await form.getByRole('button', { name: 'Proposer' }).click();
		await a.page.getByRole('heading', { level: 2, name: 'Payer une part du loyer' }).waitFor();
		await decisions.close('Adoptée', 'Accord en assemblée du jeudi');
		await a.waitSynced();

		// On the other phone: the ledger entry, linked to the decision.
		const moneyB = new MoneyModel(pageB);
		await moneyB.open('Écritures');
		const allocated = pageB.getByRole('article', { name: /150,00/ });
		await allocated.waitFor();
		expect(plain(await allocated.textContent())).toContain('Payer une part du loyer');

		// The need's progress counts the allocated money.
		await pageB.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Besoins' }).click();
		await pageB.getByRole('link', { name: 'Loyer de décembre' }).click();
		const counts = pageB.getByRole('region', { name: 'Ce qui compte pour ce besoin' });
		await counts.getByText('Dépensé pour ce besoin depuis les fonds : 150,00 €').waitFor();
		await expect.poll(async () => plain(await pageB.getByRole('progressbar').getAttribute('aria-valuetext'))).toBe('150,00 € reçus sur 500,00 €');

		// The history line, under the decision.
		await pageB.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Historique' }).click();
		const line = pageB.locator('[data-action="ledger.allocated"]');
		await line.waitFor();
		expect(plain(await line.textContent())).toContain('Alice a versé une affectation décidée');
		await line.getByRole('link', { name: 'par décision' }).click();
		await pageB.getByRole('heading', { level: 2, name: 'Payer une part du loyer' }).waitFor();
	});
});
