/**
 * History lines written in one language are read in another: an amount, a
 * dues period and a transfer recorded on a French phone read as French,
 * Italian or English numbers and words, whichever language the reader picks,
 * and never as stored codes ("EUR", "monthly", "default").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { MoneyModel, plain } from './money-model';

function today(): string {
	const d = new Date();
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

describe('the history', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let app: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		app = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('words amounts and periods in the language of whoever reads it', async () => {
		const page = app.page;
		const money = new MoneyModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		await app.createCollective('Atelier vélo');
		await money.open('Fonds');
		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		await money.open('Écritures');
		await money.addEntry({ direction: 'Sortie', amount: '500', category: 'Achat', outside: 'Garage' });
		await money.open('Cotisations');
		await money.setDefaultDues({ amount: '10', period: 'Mensuelle', start: today() });

		await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Historique' }).click();
		const spent = page.locator('[data-action="ledger.created"]');
		const dues = page.locator('[data-action="dues.set"]');
		await spent.waitFor();
		const lines = async () => [plain(await spent.textContent()), plain(await dues.textContent())];

		let [entry, setting] = await lines();
		expect(entry).toContain('Caisse · -500,00 €');
		expect(setting).toContain('Cotisation de base · 10,00 € par mois');

		await page.getByLabel('Langue').selectOption('it');
		await page.getByRole('heading', { level: 2, name: 'Cronologia' }).waitFor();
		[entry, setting] = await lines();
		expect(entry).toContain('-500,00 €');
		expect(setting).toContain('Quota di base · 10,00 € al mese');

		await page.getByLabel(/Lingua|Language/).selectOption('en');
		await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
		[entry, setting] = await lines();
		expect(entry).toContain('-€500.00');
		expect(setting).toContain('Standard dues · €10.00 a month');
		for (const line of await lines()) expect(line).not.toMatch(/EUR|monthly|default|500\.00 /);
	});
});
