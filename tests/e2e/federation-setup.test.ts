/**
 * A federation created from the app: a coordinator creates it from her
 * collective's federation tab, and her device is its first delegate; she
 * gives the invite for other collectives to the delegate of a second
 * collective, who opens it from his own collective (in Italian); both
 * collectives are in the directory on both phones. A read-only device of the
 * collective reads the federation and is offered nothing to create or join.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

function watchConsole(page: Page, errors: string[]): void {
	page.on('console', (message) => {
		if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) errors.push(message.text());
	});
}

describe('creating a federation from the app', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let first: BrowserContext;
	let second: BrowserContext;
	let reader: BrowserContext;
	let firstPage: Page;
	let secondPage: Page;
	const errors: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		first = await newDevice(browser, 'fr-FR');
		second = await newDevice(browser, 'it-IT');
		reader = await newDevice(browser, 'fr-FR');
		firstPage = await first.newPage();
		secondPage = await second.newPage();
		watchConsole(firstPage, errors);
		watchConsole(secondPage, errors);
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('one collective creates it, another joins through its delegate, and both are in the directory', async () => {
		const origin = `http://127.0.0.1:${relay.port}`;
		const a = new AppModel(firstPage);
		await firstPage.goto(`${origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Cantine du Panier');
		await a.waitSynced();

		await firstPage.getByRole('link', { name: 'Fédérations' }).click();
		const create = firstPage.getByRole('form', { name: 'Créer une fédération' });
		await create.getByRole('button', { name: 'Créer une fédération' }).click();
		await create.getByRole('alert').getByText('Donnez un nom à la fédération.').waitFor();
		await create.getByLabel('Nom de la nouvelle fédération').fill('Réseau des quartiers');
		await create.getByRole('button', { name: 'Créer une fédération' }).click();
		await firstPage.getByText('La fédération « Réseau des quartiers » est créée', { exact: false }).waitFor();
		await firstPage.getByTestId('federation-delegate').waitFor();
		await firstPage.getByRole('heading', { name: 'Réseau des quartiers · Collectifs membres' }).waitFor({ timeout: 15_000 });
		await firstPage.getByLabel('Nom affiché').fill('Cantine du Panier');
		await firstPage.getByRole('button', { name: 'Enregistrer le profil' }).click();
		await expect.poll(() => firstPage.getByTestId('federation-collective').allInnerTexts(), { timeout: 15_000 }).toEqual([expect.stringContaining('Cantine du Panier')]);
		const invite = await firstPage.getByLabel("Lien d'invitation pour un autre collectif").inputValue();
		expect(invite).toContain('/join');
		expect(await horizontalOverflow(firstPage)).toBe(0);
		expect(await seriousViolations(firstPage)).toEqual([]);

		await secondPage.goto(`${origin}/`);
		await secondPage.getByLabel('Il tuo nome').fill('Bruno');
		await secondPage.getByRole('button', { name: 'Continua' }).click();
		await secondPage.getByLabel('Nome del collettivo').fill('Vélos solidaires');
		await secondPage.getByRole('button', { name: 'Crea', exact: true }).click();
		await secondPage.waitForURL(/\/s\/[A-Za-z0-9_-]+\/home$/);
		await secondPage.getByRole('link', { name: 'Federazioni' }).click();
		await secondPage.getByLabel("Link d'invito della federazione").fill(invite);
		await secondPage.getByRole('button', { name: 'Leggi questa federazione' }).click();
		await secondPage.getByTestId('federation-delegate').waitFor();
		await secondPage.getByLabel('Nome mostrato').fill('Vélos solidaires');
		await secondPage.getByRole('button', { name: 'Salva il profilo' }).click();

		for (const page of [firstPage, secondPage]) {
			await expect
				.poll(() => page.getByTestId('federation-collective').allInnerTexts(), { timeout: 20_000 })
				.toEqual([expect.stringContaining('Cantine du Panier'), expect.stringContaining('Vélos solidaires')]);
		}
		expect(await horizontalOverflow(secondPage)).toBe(0);

		// Admission by decision, as chosen by default at creation: the newcomer waits for the founder's yes.
		const newcomer = firstPage.getByTestId('federation-collective').filter({ hasText: 'Vélos solidaires' });
		await newcomer.getByText("En attente d'admission").waitFor({ timeout: 20_000 });
		await newcomer.getByText('Oui : 0, non : 0 ; collectifs déjà admis : 1.', { exact: false }).waitFor();
		await secondPage.getByTestId('federation-collective').filter({ hasText: 'Vélos solidaires' }).getByText('In attesa di ammissione').waitFor({ timeout: 20_000 });
		// The newcomer cannot vote on itself, nor anyone while it is not admitted.
		expect(await secondPage.getByRole('button', { name: /^Ammettere/ }).count()).toBe(0);
		await newcomer.getByRole('button', { name: 'Admettre « Vélos solidaires »', exact: true }).click();
		await newcomer.getByText('Votre collectif a dit oui.').waitFor();
		await newcomer.getByText("En attente d'admission").waitFor({ state: 'detached', timeout: 20_000 });
		await secondPage.getByText('In attesa di ammissione').waitFor({ state: 'detached', timeout: 20_000 });
		expect(await seriousViolations(firstPage)).toEqual([]);
	});

	it('a read-only device of the collective reads the federation and can create or join nothing', async () => {
		await firstPage.getByRole('link', { name: 'Membres' }).click();
		await firstPage.getByRole('radio', { name: 'Lecture seule' }).check();
		const readInvite = await firstPage.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		const page = await reader.newPage();
		watchConsole(page, errors);
		await page.goto(readInvite);
		await page.getByLabel('Votre nom').fill('Rita');
		await page.getByRole('button', { name: 'Rejoindre' }).click();
		await page.waitForURL(/\/s\//);
		await page.getByRole('link', { name: 'Fédérations' }).click();
		await expect.poll(() => page.getByTestId('federation-collective').count(), { timeout: 20_000 }).toBe(2);
		expect(await page.getByRole('form', { name: 'Créer une fédération' }).count()).toBe(0);
		expect(await page.getByLabel("Lien d'invitation de la fédération").count()).toBe(0);
		expect(await page.getByText('Inviter un autre collectif').count()).toBe(0);
		expect(errors).toEqual([]);
	});

	it('a collective leaves: its entry says so on the other collective’s phone, and a delegate’s device can stop being one', async () => {
		await secondPage.getByRole('button', { name: 'Lasciare la federazione' }).click();
		await secondPage.getByRole('button', { name: 'Confermare: lasciare la federazione' }).click();
		await secondPage.getByTestId('federation-left').waitFor();
		await firstPage.getByRole('link', { name: 'Fédérations' }).click();
		const velos = firstPage.getByTestId('federation-collective').filter({ hasText: 'Vélos solidaires' });
		await velos.getByText('A quitté la fédération').waitFor({ timeout: 20_000 });

		await secondPage.getByRole('button', { name: 'Tornare nella federazione' }).click();
		await velos.getByText('A quitté la fédération').waitFor({ state: 'detached', timeout: 20_000 });
		await secondPage.getByRole('button', { name: 'Questo dispositivo non è più delegato' }).click();
		await secondPage.getByTestId('federation-delegate').waitFor({ state: 'detached' });
		expect(await horizontalOverflow(secondPage)).toBe(0);
		expect(errors).toEqual([]);
	});
});
