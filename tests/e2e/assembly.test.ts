/**
 * The general assembly pack: a treasurer's device (in Node, through the real relay) records
 * two months of a collective's life; Alice opens the pack from the transparency page at
 * 360 px, sees the accounts with the transfer apart, the charts, the dues, the decision
 * taken, the need and the loan; printed, the page keeps the charts and drops the navigation
 * and the buttons, and Chromium renders it to PDF; the same period downloads as CSV in
 * French conventions and as JSON.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { localDate, newId, type MemberId, type NeedId } from '../../src/lib/domain/core';
import { confirmBooking, requestBooking } from '../../src/lib/domain/bookings/bookings';
import { closeDecision } from '../../src/lib/domain/decisions/closings';
import { createDecision, takePosition } from '../../src/lib/domain/decisions/decisions';
import { addResource } from '../../src/lib/domain/inventory/resources';
import { recordDuesPayment, setDues } from '../../src/lib/domain/money/dues';
import { createFund } from '../../src/lib/domain/money/funds';
import { recordEntry } from '../../src/lib/domain/money/ledger';
import { transferFunds } from '../../src/lib/domain/money/transfers';
import { createNeed } from '../../src/lib/domain/needs/needs';
import { addPledge } from '../../src/lib/domain/needs/pledges';
import { joinSpace } from '../../src/lib/domain/space/space';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { openInNode } from '../support/node-device';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { created, ok } from '../support/written';

const DAY = 86_400_000;

const daysAgo = (days: number) => localDate(new Date(Date.now() - days * DAY));

describe('the general assembly pack', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let context: BrowserContext;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		context = await newDevice(browser, 'fr-FR');
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('shows, prints to PDF and exports a period’s accounts, dues, decisions, needs and loans', async () => {
		const a = new AppModel(await context.newPage());
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		const spaceId = await a.createCollective('Atelier', '');
		await a.waitSynced();

		const treasurer = await openInNode(await a.inviteLink(), relay.port);
		let need: NeedId | undefined;
		try {
			const { doc } = treasurer;
			const tom = newId() as MemberId;
			joinSpace(doc, tom, 'Tom', Date.now() - 90 * DAY);
			const box = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, tom));
			const bank = created(createFund(doc, { name: 'Banque', kind: 'bank', currency: 'EUR' }, tom));
			ok(recordEntry(doc, { fundId: box, date: daysAgo(100), amount: 50_000, direction: 'in', category: 'donation' }, tom));
			ok(transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 20_000, date: daysAgo(30), note: '' }, tom));
			setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: daysAgo(60) }, tom);
			ok(recordDuesPayment(doc, { memberId: tom, amount: 2_000, fundId: box, date: daysAgo(20), note: '' }, tom));
			const decision = created(createDecision(doc, { title: 'Acheter une perceuse', proposal: 'Pour l’atelier', process: 'vote', closesAt: Date.now() + DAY }, tom));
			ok(takePosition(doc, decision, { choice: 'yes' }, tom));
			ok(closeDecision(doc, decision, { outcome: 'adopted', statement: 'Adoptée à l’unanimité.' }, tom));
			ok(recordEntry(doc, { fundId: box, date: daysAgo(40), amount: 12_000, direction: 'out', category: 'purchase', note: 'Perceuse', decisionId: decision }, tom));
			need = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 60_000 }, tom, Date.now() - 20 * DAY);
			ok(addPledge(doc, { needId: need, amount: 15_000, memberId: tom }, tom, Date.now() - 10 * DAY));
			const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, tom));
			const loan = created(requestBooking(doc, { resourceId: van, start: Date.now() - 10 * DAY, end: Date.now() - 9 * DAY, to: { kind: 'collective', name: 'Cantine populaire' } }, tom));
			ok(confirmBooking(doc, loan, tom));
			await new Promise((done) => setTimeout(done, 500));
		} finally {
			treasurer.close();
		}

		await a.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/transparency`);
		await a.page.getByRole('link', { name: "Dossier d'assemblée générale" }).click();
		await a.page.waitForURL(`http://127.0.0.1:${relay.port}/s/${spaceId}/assembly`);
		await a.page.getByRole('textbox', { name: 'Du', exact: true }).fill(daysAgo(60));
		await a.page.getByRole('textbox', { name: 'Au', exact: true }).fill(localDate());

		const pack = a.page.getByTestId('assembly');
		const caisse = pack.getByRole('article', { name: 'Caisse' });
		await caisse.waitFor();
		const rowText = async (name: string) => (await caisse.getByRole('row', { name }).textContent())?.replace(/\s/g, ' ');
		expect(await rowText('Solde au début')).toContain('500,00 €');
		expect(await rowText('Achat')).toContain('120,00 €');
		expect(await rowText("Envoyé vers d'autres fonds du collectif")).toContain('200,00 €');
		expect(await rowText('Solde à la fin')).toContain('200,00 €');
		// The charts: money in and out by month, and each fund's balance, each with its name.
		await pack.getByRole('img', { name: 'Entrées et sorties par mois (EUR)' }).waitFor();
		await caisse.getByRole('img', { name: 'Caisse : solde en fin de mois' }).waitFor();
		expect(await pack.getByTestId('assembly-dues-total').textContent()).toMatch(/^\s*20,00\s€ payés sur \d+,00\s€ attendus · en retard : \d sur 2\s*$/);
		expect(await pack.getByTestId('assembly-decision').textContent()).toContain('Acheter une perceuse');
		expect(await pack.getByTestId('assembly-decision').textContent()).toContain('Adoptée');
		await pack.getByRole('article', { name: 'Loyer' }).getByRole('progressbar').waitFor();
		expect(await pack.locator('.lent').textContent()).toContain('Camionnette');
		expect(await pack.locator('.lent').textContent()).toContain('Cantine populaire');
		expect(await horizontalOverflow(a.page)).toBe(0);
		expect(await seriousViolations(a.page)).toEqual([]);

		// Printed: no navigation, no controls, the charts kept.
		await a.page.emulateMedia({ media: 'print' });
		expect(await a.page.getByRole('navigation', { name: 'Rubriques du collectif' }).isVisible()).toBe(false);
		expect(await a.page.getByRole('button', { name: 'Imprimer ou enregistrer en PDF' }).isVisible()).toBe(false);
		expect(await a.page.getByRole('textbox', { name: 'Du', exact: true }).isVisible()).toBe(false);
		expect(await pack.getByRole('img', { name: 'Entrées et sorties par mois (EUR)' }).isVisible()).toBe(true);
		expect(await caisse.getByRole('img', { name: 'Caisse : solde en fin de mois' }).isVisible()).toBe(true);
		const pdf = await a.page.pdf({ format: 'A4', printBackground: true });
		expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
		expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
		await a.page.emulateMedia({ media: 'screen' });

		// The same period as CSV, in French conventions, and as JSON.
		const [csv] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('button', { name: 'Télécharger en CSV (tableur)' }).click()]);
		expect(csv.suggestedFilename()).toMatch(/^atelier-dossier-d-assemblee-generale-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
		const text = (await readFile(await csv.path())).toString('utf8');
		expect(text.startsWith('\uFEFF')).toBe(true);
		expect(text).toContain('"Caisse";"EUR";"Solde à la fin";;;200,00\r\n');
		expect(text).toContain('"Caisse";"EUR";"Envoyé vers d\'autres fonds du collectif";;200,00;\r\n');
		expect(text).toContain('"Acheter une perceuse"');
		const [json] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('button', { name: 'Télécharger en JSON' }).click()]);
		const data = JSON.parse((await readFile(await json.path())).toString('utf8'));
		expect(data).toMatchObject({ format: 'passerelle-assembly', version: 1, collective: 'Atelier', from: daysAgo(60), to: localDate() });
		expect(data.funds.find((f: { name: string }) => f.name === 'Caisse')).toMatchObject({ opening: 50_000, spent: 12_000, transferredOut: 20_000, closing: 20_000 });

		// The other pages draw their own charts, with their figures a tap away.
		const base = `http://127.0.0.1:${relay.port}/s/${spaceId}`;
		await a.page.goto(`${base}/transparency`);
		await a.page.getByRole('textbox', { name: 'Du', exact: true }).fill(daysAgo(60));
		await a.page.getByRole('textbox', { name: 'Au', exact: true }).fill(localDate());
		await a.page.getByRole('img', { name: 'Entrées et sorties par mois et par catégorie (EUR)' }).waitFor();
		await a.page.getByRole('img', { name: 'Dépensé par décision (EUR)' }).waitFor();
		await a.page.goto(`${base}/money/dues`);
		await a.page.getByRole('img', { name: 'Cotisations demandées et payées par mois (EUR)' }).waitFor();
		await a.page.goto(`${base}/needs/${need}`);
		const progress = a.page.getByRole('img', { name: 'Progression au fil des semaines' });
		await progress.waitFor();
		await a.page.getByText('Voir les chiffres').click();
		expect(await a.page.getByRole('table', { name: 'Progression au fil des semaines' }).getByRole('row').count()).toBeGreaterThan(2);
		expect(await seriousViolations(a.page)).toEqual([]);
		await a.page.goto(`${base}/money`);
		await a.page.getByRole('link', { name: 'Caisse' }).first().click();
		await a.page.getByRole('img', { name: 'Solde en fin de mois, sur douze mois' }).waitFor();
		expect(await horizontalOverflow(a.page)).toBe(0);
		expect(await seriousViolations(a.page)).toEqual([]);
	});
});
