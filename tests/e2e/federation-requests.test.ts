/**
 * One collective asks to borrow another's van through their federation, on
 * three phones and a real relay: a member of the asking collective who is no
 * delegate asks while its only delegate's phone is closed, and the request
 * waits for a delegate's device; the delegate opens the collective and the
 * request crosses; the owner's phone gets a requested booking from the other
 * collective, confirms it in its bookings, and the asking phone reads
 * "accepted", in Italian, on a 360 px screen.
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
import { createFederation, requestsMap, responsesMap } from '../../src/lib/domain/federation';
import { inviteUrl, parseInvite } from '../../src/lib/sync/invite';
import { relayParams } from '../../src/lib/sync/keys';
import { CREDENTIAL_PREFIX, SYNC_PROTOCOL } from '../../sync-server/src/protocol/wire';
import { AppModel } from './app-model';

function watchConsole(page: Page, errors: string[]): void {
	page.on('console', (message) => {
		if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) errors.push(message.text());
	});
}

/** A delegate pastes the federation's member invite and writes the collective's profile. */
async function joinFederation(page: Page, invite: string, profileName: string): Promise<void> {
	await page.getByRole('link', { name: 'Fédérations' }).click();
	await page.getByLabel("Lien d'invitation de la fédération").fill(invite);
	await page.getByRole('button', { name: 'Lire cette fédération' }).click();
	await page.getByTestId('federation-delegate').waitFor();
	await page.getByLabel('Nom affiché').fill(profileName);
	await page.getByRole('button', { name: 'Enregistrer le profil' }).click();
	await page.getByText('Profil enregistré.').waitFor();
}

describe('asking another collective to borrow its van', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let owner: BrowserContext;
	let delegate: BrowserContext;
	let member: BrowserContext;
	let ownerPage: Page;
	let delegatePage: Page;
	let memberPage: Page;
	let fedProvider: WebsocketProvider | null = null;
	let federationInvite = '';
	let askingCollective = '';
	const errors: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		owner = await newDevice(browser, 'fr-FR');
		delegate = await newDevice(browser, 'fr-FR');
		member = await newDevice(browser, 'it-IT');
		ownerPage = await owner.newPage();
		delegatePage = await delegate.newPage();
		watchConsole(ownerPage, errors);
		watchConsole(delegatePage, errors);
	});

	afterAll(async () => {
		fedProvider?.destroy();
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('the owner publishes its van and the asking collective joins the federation through its delegate', async () => {
		const a = new AppModel(ownerPage);
		await ownerPage.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Garage solidaire');
		await a.waitSynced();
		const own = parseInvite(await a.inviteLink());
		if (!own.ok) throw new Error('invite did not parse');

		// The federation, set up by its coordinator's device in Node.
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
		federationInvite = inviteUrl(`http://127.0.0.1:${relay.port}`, { spaceId: fedId, secret: fedSecret, access: 'member', relayUrl: own.invite.relayUrl, name: 'Réseau des quartiers' });

		await ownerPage.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Véhicule', name: 'Camionnette', quantity: '1', unit: 'véhicule', location: 'Garage, 3 rue Longue' });
		await joinFederation(ownerPage, federationInvite, 'Garage solidaire');
		const form = ownerPage.getByRole('form', { name: 'Ressource à prêter' });
		await form.getByLabel('Ressource à prêter').selectOption({ label: 'Camionnette' });
		await form.getByRole('button', { name: 'Publier' }).click();
		await ownerPage.getByRole('button', { name: 'Ne plus publier « Camionnette »' }).waitFor();
		// Its own offer: nothing to ask for.
		const van = ownerPage.getByTestId('federation-listing').filter({ hasText: 'Camionnette' });
		await van.getByText('Offre de ce collectif').waitFor();

		const b = new AppModel(delegatePage);
		await delegatePage.goto(`http://127.0.0.1:${relay.port}/`);
		await b.chooseName('Bruno');
		askingCollective = await b.createCollective('Cantine du Panier');
		await b.waitSynced();
		await joinFederation(delegatePage, federationInvite, 'Cantine du Panier');
		await expect.poll(() => delegatePage.getByTestId('federation-collective').count(), { timeout: 15_000 }).toBe(2);
		await b.waitSynced();
	});

	it('a member who is no delegate asks while the delegate is away; the request waits, then crosses, and the owner confirms it', async () => {
		const b = new AppModel(delegatePage);
		const invite = await b.inviteLink();
		// The only delegate's phone is put away.
		await delegatePage.close();

		memberPage = await member.newPage();
		watchConsole(memberPage, errors);
		await memberPage.goto(invite);
		await memberPage.getByLabel('Il tuo nome').fill('Carla');
		await memberPage.getByRole('button', { name: 'Unisciti' }).click();
		await memberPage.waitForURL(/\/s\//);
		await memberPage.getByRole('link', { name: 'Federazioni' }).click();
		const van = memberPage.getByTestId('federation-listing').filter({ hasText: 'Camionnette' });
		await van.getByRole('button', { name: 'Chiedere in prestito' }).click({ timeout: 20_000 });
		const ask = van.getByTestId('federation-ask-form');
		await ask.getByRole('button', { name: 'Inviare la richiesta' }).click();
		await ask.getByRole('alert').waitFor();
		await ask.getByLabel('Inizio').fill('2031-03-15T09:00');
		await ask.getByLabel('Fine').fill('2031-03-15T18:00');
		await ask.getByLabel('Messaggio per il collettivo').fill('Per il trasloco della dispensa');
		await ask.getByRole('button', { name: 'Inviare la richiesta' }).click();
		const sent = memberPage.getByTestId('federation-sent');
		await sent.getByText('In attesa di un dispositivo delegato').waitFor();
		expect(await horizontalOverflow(memberPage)).toBe(0);
		expect(await seriousViolations(memberPage)).toEqual([]);
		// Nothing reached the federation: no delegate's device has carried it.
		await new Promise((done) => setTimeout(done, 1_000));
		expect(requestsMap(fedProvider!.doc).size).toBe(0);

		// The delegate opens the collective, on any page: the request crosses in the background.
		delegatePage = await delegate.newPage();
		watchConsole(delegatePage, errors);
		await delegatePage.goto(`http://127.0.0.1:${relay.port}/s/${askingCollective}`);
		await expect.poll(() => requestsMap(fedProvider!.doc).size, { timeout: 20_000 }).toBe(1);
		await sent.getByText('In attesa della risposta di Garage solidaire').waitFor({ timeout: 20_000 });

		// The owner's phone, on its federation tab, made a requested booking for the other collective.
		const received = ownerPage.getByTestId('federation-received');
		await received.getByText('De Cantine du Panier').waitFor({ timeout: 20_000 });
		await received.getByText('Demandée').waitFor();
		await expect.poll(() => responsesMap(fedProvider!.doc).size, { timeout: 20_000 }).toBe(1);
		await received.getByRole('link', { name: 'Confirmer ou refuser dans les réservations' }).click();
		const booking = ownerPage.locator('article.booking').filter({ hasText: 'Pour Cantine du Panier' });
		await booking.getByText('Per il trasloco della dispensa').waitFor();
		await booking.getByRole('button', { name: 'Confirmer' }).click();
		await booking.getByText('Confirmée').waitFor();

		// The answer comes back through the federation and both delegates' devices.
		await sent.getByText('Accettata').waitFor({ timeout: 30_000 });
		expect(await memberPage.getByRole('button', { name: 'Annullare la richiesta' }).count()).toBe(1);
		expect(JSON.stringify(fedProvider!.doc.toJSON())).not.toContain('Carla');
		expect(errors).toEqual([]);
	});

	it('the borrower says it gave the van back; the owner sees it, records the return, and both read it as returned', async () => {
		const sent = memberPage.getByTestId('federation-sent');
		await memberPage.getByRole('button', { name: "L'abbiamo restituito" }).click();
		await sent.getByText('Restituito, in attesa della conferma di Garage solidaire').waitFor();
		expect(await memberPage.getByRole('button', { name: 'Annullare la richiesta' }).count()).toBe(0);

		// The delegate's device carries it; the owner's booking says so, for a member there to confirm.
		const received = ownerPage.getByTestId('federation-received');
		await ownerPage.getByRole('link', { name: 'Fédérations' }).click();
		await received.getByText("Cantine du Panier dit l'avoir rendu : à confirmer à son retour").waitFor({ timeout: 30_000 });
		expect(await horizontalOverflow(ownerPage)).toBe(0);
		await received.getByRole('button', { name: 'Noter le retour' }).click();
		await received.getByText('Rendue').waitFor();
		expect(await received.getByRole('button', { name: 'Noter le retour' }).count()).toBe(0);

		await sent.getByText('Restituito, rientro confermato').waitFor({ timeout: 30_000 });
		expect(await horizontalOverflow(memberPage)).toBe(0);
		expect(errors).toEqual([]);
	});
});
