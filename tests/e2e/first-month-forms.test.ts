/**
 * What a new collective meets in its first month, in French on a phone: a
 * need's unit that follows its kind and can be corrected until someone
 * pledges (and an old « EUR » on blankets that can be corrected after); dues
 * counted from a membership date someone set, not from the day the app was
 * installed, paid by default into the fund used last or a cash box; money an
 * old version let people put in the inventory, pointing to the money section
 * and made a real fund in one tap; a pasted name cut at its limit said so; a
 * date in 1900 and a currency « XYZ » asked about once before being saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { localDate, newId } from '../../src/lib/domain/core';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { MoneyModel, plain } from './money-model';

/** Nothing serious for axe, and nothing wider than the phone. */
async function readsWell(page: Page): Promise<void> {
	expect(await seriousViolations(page)).toEqual([]);
	expect(await horizontalOverflow(page)).toBe(0);
}

/** The first day of the month `back` months before this one, as an ISO date. */
function monthStart(back: number): string {
	const now = new Date();
	return localDate(new Date(now.getFullYear(), now.getMonth() - back, 1));
}

describe('a new collective’s first month', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let device: BrowserContext;
	let page: Page;
	let app: AppModel;
	let money: MoneyModel;
	let spaceId = '';
	let base = '';

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
		page = await device.newPage();
		app = new AppModel(page);
		money = new MoneyModel(page);
		base = `http://127.0.0.1:${relay.port}`;
		await page.goto(`${base}/`);
		await app.chooseName('Amina');
		spaceId = await app.createCollective('Atelier vélo');
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	/** Writes into the space what an older version of the app could, as any member's device can. */
	async function asAnOlderVersion(write: (doc: Y.Doc, member: string) => void): Promise<void> {
		await page.goto(`${base}/s/${spaceId}/members`);
		const invite = await page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		const parsed = parseInvite(invite);
		if (!parsed.ok) throw new Error('invite did not parse');
		const doc = new Y.Doc();
		const older = new WebsocketProvider(`ws://127.0.0.1:${relay.port}/sync`, parsed.invite.spaceId, doc, {
			params: { token: await deriveRelayToken(parsed.invite.secret, parsed.invite.spaceId) },
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		try {
			await new Promise<void>((done) => older.once('sync', () => done()));
			const member = [...doc.getMap('members').keys()][0]!;
			doc.transact(() => write(doc, member));
			await new Promise((done) => setTimeout(done, 500));
		} finally {
			older.destroy();
		}
	}

	it('starts a need’s unit from its kind, and lets it change until someone pledges', async () => {
		await page.goto(`${base}/s/${spaceId}/money`);
		await money.createFund({ name: 'Caisse', kind: 'Caisse', currency: 'CHF' });

		await page.goto(`${base}/s/${spaceId}/needs`);
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const form = page.getByRole('form', { name: 'Nouveau besoin' });
		// Money starts in the collective's currency, time in hours, goods with nothing to correct.
		expect(await form.getByLabel('Monnaie').inputValue()).toBe('CHF');
		await form.getByLabel('Nature').selectOption({ label: 'Temps, compétences' });
		expect(await form.getByLabel('Unité').inputValue()).toBe('h');
		await form.getByLabel('Nature').selectOption({ label: 'Biens' });
		expect(await form.getByLabel('Unité').inputValue()).toBe('');
		await form.getByLabel('Titre').fill('Couvertures');
		await form.getByLabel('Objectif').fill('20');
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await expect.poll(() => form.getByRole('alert').textContent()).toContain('est à remplir');
		await form.getByLabel('Unité').fill('couvertures');
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Couvertures' }).waitFor();
		await expect.poll(async () => plain(await page.locator('.progress').first().textContent())).toContain('Objectif : 20 couvertures');

		// No pledge yet: kind and unit can be corrected.
		await page.getByRole('button', { name: 'Modifier', exact: true }).click();
		const edit = page.getByRole('form', { name: 'Modifier le besoin' });
		expect(await edit.getByLabel('Nature').isEnabled()).toBe(true);
		await edit.getByLabel('Unité').fill('pièces');
		await edit.getByRole('button', { name: 'Enregistrer' }).click();
		await edit.waitFor({ state: 'detached' });
		await expect.poll(async () => plain(await page.locator('.progress').first().textContent())).toContain('Objectif : 20 pièces');

		// Pledged: the unit stays, and the form says why.
		const pledgeForm = page.getByRole('form', { name: 'Promettre' });
		await pledgeForm.getByLabel(/Quantité/).fill('5');
		await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await expect.poll(() => page.locator('li.pledge .state').textContent()).toBe('Promise');
		await page.getByRole('button', { name: 'Modifier', exact: true }).first().click();
		const locked = page.getByRole('form', { name: 'Modifier le besoin' });
		expect(await locked.getByLabel('Unité').isDisabled()).toBe(true);
		expect(await locked.getByLabel('Nature').isDisabled()).toBe(true);
		await locked.getByText('Des promesses ont été faites dans cette unité').waitFor();
		await readsWell(page);
		await locked.getByRole('button', { name: 'Annuler' }).click();
	});

	it('lets an old « EUR » on goods be corrected even after pledges, and reads it on hours as hours', async () => {
		const blankets = newId<'need'>();
		const help = newId<'need'>();
		await asAnOlderVersion((doc, member) => {
			for (const [id, kind, title] of [[blankets, 'goods', 'Draps'], [help, 'time', 'Aide au local']] as const) {
				const entry = new Y.Map<unknown>();
				const fields = { id, kind, title, description: '', target: 20, unit: 'EUR', deadline: null, cap: null, status: 'open', createdAt: Date.now(), createdBy: member, updatedAt: Date.now(), updatedBy: member };
				for (const [key, value] of Object.entries(fields)) entry.set(key, value);
				doc.getMap('needs').set(id, entry);
				const pledge = new Y.Map<unknown>();
				const pledgeId = newId<'pledge'>();
				const pledgeFields = { id: pledgeId, needId: id, memberId: member, amount: 4, pledgedOn: localDate(), createdAt: Date.now(), createdBy: member };
				for (const [key, value] of Object.entries(pledgeFields)) pledge.set(key, value);
				doc.getMap('pledges').set(pledgeId, pledge);
			}
		});
		await page.goto(`${base}/s/${spaceId}/needs/${help}`);
		await expect.poll(async () => plain(await page.locator('.progress').first().textContent())).toContain('Objectif : 20 h');

		await page.goto(`${base}/s/${spaceId}/needs/${blankets}`);
		await page.getByTestId('need-unit-legacy').waitFor();
		await page.getByRole('button', { name: 'Modifier', exact: true }).first().click();
		const edit = page.getByRole('form', { name: 'Modifier le besoin' });
		expect(await edit.getByLabel('Unité').isEnabled()).toBe(true);
		await edit.getByText("« EUR » n'est pas une unité pour ce besoin").waitFor();
		await readsWell(page);
		await edit.getByLabel('Unité').fill('draps');
		await edit.getByRole('button', { name: 'Enregistrer' }).click();
		await edit.waitFor({ state: 'detached' });
		await expect.poll(async () => plain(await page.locator('.progress').first().textContent())).toContain('Objectif : 20 draps');
		expect(await page.getByTestId('need-unit-legacy').count()).toBe(0);
	});

	it('counts dues from the membership date and pays into the fund used last, else a cash box', async () => {
		await page.goto(`${base}/s/${spaceId}/money`);
		await money.createFund({ name: 'Budget 2027', kind: 'Budget' });
		await page.goto(`${base}/s/${spaceId}/money`);
		await money.createFund({ name: 'Caisse commune', kind: 'Caisse' });
		await page.goto(`${base}/s/${spaceId}/money`);
		await money.createFund({ name: 'Compte courant', kind: 'Compte bancaire' });

		await page.goto(`${base}/s/${spaceId}/money/dues`);
		await money.setDefaultDues({ amount: '10', period: 'Mensuelle', start: monthStart(3) });
		// Installed today, so owing this period, and not late for it: what the app knew before anyone said otherwise.
		await expect.poll(async () => plain(await money.duesOf('Amina').getByTestId('dues-state').textContent())).toBe('À régler pour la période en cours : 10,00 €');

		// Amina has been a member for two months before this one: she says so on the members page.
		await page.goto(`${base}/s/${spaceId}/members`);
		const card = page.locator('.member', { hasText: 'Amina' });
		await card.getByText("dans l'application depuis le").waitFor();
		await card.getByRole('button', { name: /Date d'adhésion/ }).click();
		const since = card.getByRole('form', { name: 'Membre depuis le' });
		await readsWell(page);
		await since.getByLabel('Membre depuis le').fill(monthStart(2));
		await since.getByRole('button', { name: 'Enregistrer' }).click();
		await since.waitFor({ state: 'detached' });
		await card.getByText('membre depuis le').waitFor();

		await page.goto(`${base}/s/${spaceId}/money/dues`);
		await expect.poll(async () => plain(await money.duesOf('Amina').getByTestId('dues-state').textContent())).toBe('En retard de 30,00 € (3 périodes)');

		// The payment does not land in « Budget 2027 » for coming first by name: a cash box.
		await money.duesOf('Amina').getByRole('button', { name: "Enregistrer un paiement d'Amina" }).click();
		const pay = page.getByRole('form', { name: 'Paiement de cotisation' });
		const chosen = async () => plain(await pay.getByLabel('Fonds').locator('option:checked').textContent());
		await expect.poll(chosen).toBe('Caisse commune (EUR)');
		await pay.getByLabel('Fonds').selectOption({ label: 'Compte courant (EUR)' });
		// A negative amount is refused without sending anyone to a « Sortie » this form does not have.
		await pay.getByLabel(/Montant/).fill('-10');
		await pay.getByRole('button', { name: 'Enregistrer le paiement' }).click();
		await expect.poll(() => pay.getByRole('alert').textContent()).toBe('Le montant ne peut pas être négatif.');
		await pay.getByLabel(/Montant/).fill('10');
		await pay.getByRole('button', { name: 'Enregistrer le paiement' }).click();
		await page.getByRole('status').getByText('Paiement enregistré dans « Compte courant ».').waitFor();
		// The next one goes where the last dues went.
		await money.duesOf('Amina').getByRole('button', { name: "Enregistrer un paiement d'Amina" }).click();
		await expect.poll(chosen).toBe('Compte courant (EUR)');
		await pay.getByRole('button', { name: 'Annuler' }).click();
	});

	it('shows money kept in the inventory as money, and makes it a fund in one tap', async () => {
		const box = newId<'resource'>();
		await asAnOlderVersion((doc, member) => {
			const entry = new Y.Map<unknown>();
			const fields = { id: box, kind: 'fund', name: 'Tirelire de la fête', description: '', quantity: 400, unit: 'EUR', location: '', expiresOn: null, availability: 'available', createdAt: Date.now(), createdBy: member, updatedAt: Date.now(), updatedBy: member, removedAt: null, removedBy: null };
			for (const [key, value] of Object.entries(fields)) entry.set(key, value);
			doc.getMap('resources').set(box, entry);
		});
		await page.goto(`${base}/s/${spaceId}`);
		// A new item cannot be money.
		await page.getByRole('button', { name: 'Ajouter une ressource' }).click();
		const add = page.getByRole('form', { name: 'Ajouter une ressource' });
		const kinds = await add.getByLabel('Type').locator('option').allTextContents();
		expect(kinds).not.toContain('Fonds');
		expect(kinds).not.toContain('Argent hors comptes');
		await add.getByRole('button', { name: 'Annuler' }).click();

		const item = app.resource('Tirelire de la fête');
		await item.getByText("Cet argent n'entre dans aucun solde").waitFor();
		await readsWell(page);
		await item.getByRole('button', { name: /Créer le fonds « Tirelire de la fête » avec 400,00\s€ dans Argent/ }).click();
		await item.getByText('Suivi dans Argent :').waitFor();
		await item.getByRole('link', { name: 'Tirelire de la fête' }).click();
		await page.getByRole('heading', { level: 2, name: 'Tirelire de la fête' }).waitFor();
		await expect.poll(async () => plain(await page.locator('main').textContent())).toContain('400,00 €');
	});

	it('says when a pasted name was cut at its limit', async () => {
		await page.goto(`${base}/s/${spaceId}`);
		await page.getByRole('button', { name: 'Ajouter une ressource' }).click();
		const form = page.getByRole('form', { name: 'Ajouter une ressource' });
		const name = form.getByLabel('Nom', { exact: true });
		await name.focus();
		await page.keyboard.insertText('Perceuse '.repeat(556));
		expect((await name.inputValue()).length).toBe(120);
		await expect.poll(async () => plain(await form.getByRole('status').textContent())).toBe(
			"Texte raccourci : 120 caractères gardés sur les 5 004 collés. Vérifiez la fin avant d'enregistrer."
		);
		await readsWell(page);
		await form.getByRole('button', { name: 'Annuler' }).click();
	});

	it('asks once about a date in 1900 and a currency « XYZ », and saves them when asked again', async () => {
		await page.goto(`${base}/s/${spaceId}/money`);
		await page.getByRole('button', { name: 'Nouveau fonds' }).click();
		const fund = page.getByRole('form', { name: 'Nouveau fonds' });
		await fund.getByLabel('Nom', { exact: true }).fill('Caisse XYZ');
		await fund.getByLabel('Monnaie').fill('XYZ');
		await fund.getByRole('button', { name: 'Enregistrer' }).click();
		await expect.poll(async () => plain(await fund.getByRole('alert').textContent())).toBe(
			"« XYZ » n'est pas une monnaie connue (EUR, CHF, XOF…) : est-ce le bon code ? Si c'est bien cela, appuyez de nouveau sur « Enregistrer »."
		);
		// Asked, and meant: the same code again is saved.
		await fund.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Caisse XYZ' }).waitFor();

		await page.goto(`${base}/s/${spaceId}/needs`);
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const need = page.getByRole('form', { name: 'Nouveau besoin' });
		await need.getByLabel('Titre').fill('Loyer');
		await need.getByLabel('Objectif').fill('300');
		await need.getByLabel('Échéance').fill('1900-03-31');
		await need.getByRole('button', { name: 'Enregistrer' }).click();
		await expect.poll(async () => plain(await need.getByRole('alert').textContent())).toContain("Le 31 mars 1900, c'est il y a bien longtemps");
		await need.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Loyer' }).waitFor();
		await page.getByText('avant le 31 mars 1900').waitFor();

		// A pledge's condition far in the future is asked about too.
		const pledge = page.getByRole('form', { name: 'Promettre' });
		await pledge.getByLabel(/Quantité|Montant/).fill('50');
		await pledge.getByLabel('Seulement si le besoin atteint un seuil').check();
		await pledge.getByLabel(/Seuil/).fill('200');
		await pledge.getByLabel('Date limite du seuil').fill('2090-06-30');
		await pledge.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await expect.poll(async () => plain(await pledge.getByRole('alert').textContent())).toContain("Le 30 juin 2090, c'est dans plus de dix ans");
		await pledge.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await expect.poll(() => page.locator('li.pledge .state').textContent()).toBe('Sous condition');
	});
});
