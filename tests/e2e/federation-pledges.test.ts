/**
 * One collective pledges money to another's need through their federation, on
 * two phones and a real relay: the pledge reaches the receiving collective as
 * a pledge from the giver; the giver says it sent the money from its bank
 * account, which writes the money out in its ledger; the receiver confirms
 * receipt on the need, which writes the money in; both transparency reports
 * name the other collective beside the flow, in French and in Italian.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { newId, randomToken, type MemberId, type SpaceId } from '../../src/lib/domain/core';
import { createFederation, federationPledgesMap } from '../../src/lib/domain/federation';
import { inviteUrl, parseInvite } from '../../src/lib/sync/invite';
import { relayParams } from '../../src/lib/sync/keys';
import { CREDENTIAL_PREFIX, SYNC_PROTOCOL } from '../../sync-server/src/protocol/wire';
import { AppModel } from './app-model';
import { MoneyModel } from './money-model';

function watchConsole(page: Page, errors: string[]): void {
	page.on('console', (message) => {
		if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) errors.push(message.text());
	});
}

const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

describe('pledging money to another collective’s need', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let receiver: BrowserContext;
	let giver: BrowserContext;
	let receiverPage: Page;
	let giverPage: Page;
	let fedProvider: WebsocketProvider | null = null;
	const errors: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		receiver = await newDevice(browser, 'fr-FR');
		giver = await newDevice(browser, 'it-IT');
		receiverPage = await receiver.newPage();
		giverPage = await giver.newPage();
		watchConsole(receiverPage, errors);
		watchConsole(giverPage, errors);
	});

	afterAll(async () => {
		fedProvider?.destroy();
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('a pledge crosses, is sent from the giver’s fund and confirmed into the receiver’s, and both reports name the other', async () => {
		const origin = `http://127.0.0.1:${relay.port}`;
		const a = new AppModel(receiverPage);
		await receiverPage.goto(`${origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Cantine du Panier');
		await a.waitSynced();
		const own = parseInvite(await a.inviteLink());
		if (!own.ok) throw new Error('invite did not parse');

		const fedId = randomToken(16) as SpaceId;
		const fedSecret = randomToken(32);
		const fedDoc = new Y.Doc();
		createFederation(fedDoc, { name: 'Réseau des quartiers' }, newId<'member'>() as MemberId);
		const params = await relayParams(fedSecret, fedId, 'member');
		fedProvider = new WebsocketProvider(own.invite.relayUrl, fedId, fedDoc, {
			protocols: [SYNC_PROTOCOL, CREDENTIAL_PREFIX.token + params.token, CREDENTIAL_PREFIX.readToken + (params.readToken ?? '')],
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		await new Promise<void>((done) => fedProvider!.once('sync', () => done()));
		const federationInvite = inviteUrl(origin, { spaceId: fedId, secret: fedSecret, access: 'member', relayUrl: own.invite.relayUrl, name: 'Réseau des quartiers' });

		// The receiver: a fund, a need for the rent, published to the federation by its delegate.
		const money = new MoneyModel(receiverPage);
		await money.open('Fonds');
		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		await receiverPage.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Besoins' }).click();
		await receiverPage.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = receiverPage.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Loyer du local');
		await needForm.getByLabel('Objectif').fill('600');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await receiverPage.getByRole('heading', { level: 2, name: 'Loyer du local' }).waitFor();
		const needUrl = receiverPage.url();
		await receiverPage.getByRole('link', { name: 'Fédérations' }).click();
		await receiverPage.getByLabel("Lien d'invitation de la fédération").fill(federationInvite);
		await receiverPage.getByRole('button', { name: 'Lire cette fédération' }).click();
		await receiverPage.getByTestId('federation-delegate').waitFor();
		await receiverPage.getByLabel('Nom affiché').fill('Cantine du Panier');
		await receiverPage.getByRole('button', { name: 'Enregistrer le profil' }).click();
		await receiverPage.getByText('Profil enregistré.').waitFor();
		const publish = receiverPage.getByRole('form', { name: 'Besoin à ouvrir aux autres collectifs' });
		await publish.getByLabel('Besoin à ouvrir aux autres collectifs').selectOption({ label: 'Loyer du local' });
		await publish.getByRole('button', { name: 'Publier' }).click();
		await receiverPage.getByRole('button', { name: 'Ne plus publier « Loyer du local »' }).waitFor();

		// The giver, in Italian: its own collective with a bank account, a delegate of the same federation.
		const b = new AppModel(giverPage);
		await giverPage.goto(`${origin}/`);
		await giverPage.getByLabel('Il tuo nome').fill('Bruno');
		await giverPage.getByRole('button', { name: 'Continua' }).click();
		await giverPage.getByLabel('Nome del collettivo').fill('Vélos solidaires');
		await giverPage.getByRole('button', { name: 'Crea', exact: true }).click();
		await giverPage.waitForURL(/\/s\/[A-Za-z0-9_-]+\/home$/);
		void b;
		await giverPage.getByRole('navigation', { name: 'Sezioni del collettivo' }).getByRole('link', { name: 'Denaro' }).click();
		await giverPage.getByRole('button', { name: 'Nuovo fondo' }).click();
		const fundForm = giverPage.getByRole('form', { name: 'Nuovo fondo' });
		await fundForm.getByLabel('Nome', { exact: true }).fill('Banca');
		await fundForm.getByRole('button', { name: 'Salva' }).click();
		await giverPage.getByRole('heading', { level: 2, name: 'Banca' }).waitFor();
		await giverPage.getByRole('link', { name: 'Federazioni' }).click();
		await giverPage.getByLabel("Link d'invito della federazione").fill(federationInvite);
		await giverPage.getByRole('button', { name: 'Leggi questa federazione' }).click();
		await giverPage.getByTestId('federation-delegate').waitFor();
		await giverPage.getByLabel('Nome mostrato').fill('Vélos solidaires');
		await giverPage.getByRole('button', { name: 'Salva il profilo' }).click();

		const need = giverPage.getByTestId('federation-listing').filter({ hasText: 'Loyer du local' });
		await need.getByRole('button', { name: 'Promettere' }).click({ timeout: 20_000 });
		const form = need.getByTestId('federation-pledge-form');
		await form.getByLabel('Importo promesso (EUR)').fill('150');
		await form.getByRole('button', { name: "Salvare l'impegno" }).click();
		const sent = giverPage.getByTestId('federation-pledge-sent');
		await sent.getByText('Ricevuto da Cantine du Panier').waitFor({ timeout: 30_000 });
		expect(federationPledgesMap(fedProvider.doc).size).toBe(1);

		// The receiver sees a pledge from the other collective, waiting for the money.
		const received = receiverPage.getByTestId('federation-pledge-received');
		await received.getByText('De Vélos solidaires').waitFor({ timeout: 20_000 });
		await received.getByText('En attente de réception').waitFor();

		// The giver sends the money from its bank account.
		await sent.getByRole('button', { name: 'È stato inviato' }).click();
		await sent.getByRole('alert').getByText('Scegliete la cassa da cui parte il denaro.').waitFor();
		await sent.getByLabel('Dalla cassa').selectOption({ label: 'Banca' });
		await sent.getByRole('button', { name: 'È stato inviato' }).click();
		await sent.getByText('Inviato, in attesa della conferma di Cantine du Panier').waitFor();
		expect(await horizontalOverflow(giverPage)).toBe(0);
		expect(await seriousViolations(giverPage)).toEqual([]);

		// The receiver confirms receipt on the need, into its cash box.
		await received.getByText(/Vélos solidaires dit avoir envoyé le/).waitFor({ timeout: 20_000 });
		await received.getByRole('link', { name: 'Confirmer la réception sur le besoin' }).click();
		await receiverPage.waitForURL(needUrl);
		const card = receiverPage.locator('li.pledge').filter({ hasText: 'Vélos solidaires' });
		await card.getByRole('button', { name: 'Marquer comme tenue' }).click();
		await card.getByLabel("Enregistrer l'argent reçu dans").selectOption({ label: 'Caisse' });
		await card.getByRole('button', { name: 'Confirmer : tenue' }).click();
		await expect.poll(() => card.locator('.state').textContent()).toBe('Tenue');

		await sent.getByText('Ricevuto e confermato').waitFor({ timeout: 30_000 });

		// Both reports name the other collective beside the money.
		await receiverPage.getByRole('link', { name: 'Transparence' }).click();
		await expect.poll(async () => plain(await receiverPage.getByTestId('between-collectives').textContent())).toContain('Reçu de Vélos solidaires : 150,00 €');
		await giverPage.getByRole('link', { name: 'Trasparenza' }).click();
		await expect.poll(async () => plain(await giverPage.getByTestId('between-collectives').textContent())).toContain('Dato a Cantine du Panier: 150,00 €');
		expect(await horizontalOverflow(giverPage)).toBe(0);
		expect(errors).toEqual([]);
	});
});
