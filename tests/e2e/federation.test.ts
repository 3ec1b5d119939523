/**
 * A collective reads a federation: a member pastes the federation's invite
 * on the federation tab, the collective keeps how to read it, and every
 * device of the collective (one joining later in Italian, offline after a
 * first visit) shows the directory and the offers and needs the member
 * collectives published, filtered, with a forged record greyed and counted,
 * on a 360 px phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { newId, randomToken, type MemberId, type SpaceId } from '../../src/lib/domain/core';
import { addResource } from '../../src/lib/domain/inventory';
import { addNeed } from '../../src/lib/domain/needs';
import { createSpace } from '../../src/lib/domain/space';
import {
	copiesMap,
	copyKey,
	createFederation,
	deriveIdentity,
	publishNeed,
	publishResource,
	runPublication,
	setFederationProfile,
	signRecord,
	verifyFederation
} from '../../src/lib/domain/federation';
import { inviteUrl, parseInvite } from '../../src/lib/sync/invite';
import { relayParams } from '../../src/lib/sync/keys';
import { CREDENTIAL_PREFIX, SYNC_PROTOCOL } from '../../sync-server/src/protocol/wire';
import { AppModel } from './app-model';

/** A collective's own document, on a delegate's device in Node, publishing into the federation. */
async function publishingCollective(name: string, area: string, offers: string[], needs: string[]) {
	const doc = new Y.Doc();
	const by = newId<'member'>() as MemberId;
	createSpace(doc, { name }, by);
	setFederationProfile(doc, { name, description: `${name} : collectif`, area, contact: 'contact@example.org' });
	for (const offer of offers) {
		const added = addResource(doc, { kind: 'vehicle', name: offer, quantity: 1, unit: 'véhicule', location: 'chez Marie, 12 rue Longue' }, by);
		if (!added.ok) throw new Error(added.reason);
		publishResource(doc, added.id, { fields: ['name', 'kind', 'quantity', 'area', 'availability'], area });
	}
	for (const need of needs) {
		const added = addNeed(doc, { kind: 'money', title: need, unit: 'EUR', target: 40000 }, by);
		if (!added.ok) throw new Error(added.reason);
		publishNeed(doc, added.id, { fields: ['title', 'target', 'area'], area });
	}
	return { doc, identity: await deriveIdentity(randomToken(32), randomToken(16)) };
}

describe('a collective reads its federation', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;
	let phoneA: BrowserContext;
	let phoneB: BrowserContext;
	let pageA: Page;
	let federationInvite = '';
	let collectiveInvite = '';
	let collectiveId = '';
	const consoleErrors: string[] = [];
	let fedProvider: WebsocketProvider | null = null;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		phoneA = await newDevice(browser, 'fr-FR');
		pageA = await phoneA.newPage();
		pageA.on('console', (message) => {
			if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) consoleErrors.push(message.text());
		});
	});

	afterAll(async () => {
		fedProvider?.destroy();
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('a member pastes the federation invite; the tab shows the directory, offers and needs, and counts a forgery', async () => {
		const a = new AppModel(pageA);
		await pageA.goto(`${link.origin}/`);
		await a.chooseName('Alice');
		collectiveId = await a.createCollective('Cantine du Panier');
		await a.waitSynced();
		collectiveInvite = await a.inviteLink();
		const own = parseInvite(collectiveInvite);
		if (!own.ok) throw new Error('invite did not parse');

		// The federation, opened by its coordinator's device; two collectives publish into it through their delegates.
		const fedId = randomToken(16) as SpaceId;
		const fedSecret = randomToken(32);
		const fedDoc = new Y.Doc();
		createFederation(fedDoc, { name: 'Réseau des cantines' }, newId<'member'>() as MemberId);
		const foodBank = await publishingCollective('Banque alimentaire Nord', 'Marseille 15e', ['Camion frigorifique'], ['Loyer du local']);
		const garage = await publishingCollective('Garage solidaire', 'Marseille 3e', ['Camionnette', 'Remorque'], []);
		expect((await runPublication(foodBank.doc, fedDoc, foodBank.identity)).written).toBe(3);
		expect((await runPublication(garage.doc, fedDoc, garage.identity)).written).toBe(3);
		// A record under the garage's id, signed by the food bank.
		const body = { v: 1, collective: garage.identity.collective, type: 'offer', source: 'forgedsourceid0000000', rev: [], hash: 'x'.repeat(43), withdrawn: false, public: { name: 'Camion gratuit' } };
		copiesMap(fedDoc).set(copyKey(garage.identity.collective, 'offer', 'forgedsourceid0000000'), { ...body, sig: await signRecord(foodBank.identity, body) });

		const params = await relayParams(fedSecret, fedId, 'member');
		fedProvider = new WebsocketProvider(own.invite.relayUrl, fedId, fedDoc, {
			// A member's device: it claims the room and tells the relay which token reads only.
			protocols: [SYNC_PROTOCOL, CREDENTIAL_PREFIX.token + params.token, CREDENTIAL_PREFIX.readToken + (params.readToken ?? '')],
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		await new Promise<void>((done) => fedProvider!.once('sync', () => done()));
		federationInvite = inviteUrl(link.origin, { spaceId: fedId, secret: fedSecret, access: 'member', relayUrl: own.invite.relayUrl, name: 'Réseau des cantines' });

		await pageA.getByRole('link', { name: 'Fédérations' }).click();
		await pageA.getByText('Ce collectif ne lit encore aucune fédération.').waitFor();
		await pageA.getByRole('button', { name: 'Lire cette fédération' }).click();
		await pageA.getByRole('alert').getByText("Collez le lien d'invitation de la fédération.").waitFor();
		await pageA.getByLabel("Lien d'invitation de la fédération").fill(federationInvite);
		await pageA.getByRole('button', { name: 'Lire cette fédération' }).click();
		await pageA.getByText('La fédération « Réseau des cantines » est lisible par tout le collectif.').waitFor();

		const listings = pageA.getByTestId('federation-listing');
		await expect.poll(() => listings.count(), { timeout: 15_000 }).toBe(5);
		await expect.poll(() => pageA.getByTestId('federation-collective').allInnerTexts()).toEqual([
			expect.stringContaining('Banque alimentaire Nord'),
			expect.stringContaining('Garage solidaire')
		]);
		const forged = listings.filter({ hasText: 'Camion gratuit' });
		await forged.getByText('Non vérifié').waitFor();
		await pageA.getByTestId('federation-unverified').getByText('Signatures qui ne se vérifient pas : 1.').waitFor();
		const need = listings.filter({ hasText: 'Loyer du local' });
		await need.getByText('De : Banque alimentaire Nord').waitFor();
		await need.getByText(/Objectif : 400,00\s€/).waitFor();
		const van = listings.filter({ hasText: 'Camionnette' });
		await van.getByText('Secteur : Marseille 3e').waitFor();
		await van.getByText('Quantité : 1 véhicule').waitFor();
		expect(await van.getByText('Non vérifié').count()).toBe(0);
		// Nothing unpublished reached the federation, nor the page.
		expect(await pageA.getByText('rue Longue').count()).toBe(0);

		await pageA.getByLabel('Afficher').selectOption({ label: 'Besoins seulement' });
		await expect.poll(() => listings.count()).toBe(1);
		await pageA.getByLabel('Afficher').selectOption({ label: 'Offres et besoins' });
		await pageA.getByLabel('Collectif', { exact: true }).selectOption({ label: 'Garage solidaire' });
		await expect.poll(() => listings.allInnerTexts()).toHaveLength(3);
		await pageA.getByLabel('Collectif', { exact: true }).selectOption({ label: 'Tous les collectifs' });
		await pageA.getByRole('searchbox', { name: 'Secteur' }).fill('15E');
		await expect.poll(() => listings.count()).toBe(2);
		await pageA.getByRole('searchbox', { name: 'Secteur' }).fill('');
		await pageA.getByRole('searchbox', { name: 'Rechercher' }).fill('remorque');
		await expect.poll(() => listings.allInnerTexts()).toEqual([expect.stringContaining('Remorque')]);
		await pageA.getByRole('searchbox', { name: 'Rechercher' }).fill('');

		expect(await horizontalOverflow(pageA)).toBe(0);
		expect(await seriousViolations(pageA)).toEqual([]);
		await a.waitSynced();
	});

	it('the delegate sets the profile and publishes a van field by field; the federation gets one signed copy, withdrawn when unpublished', async () => {
		const a = new AppModel(pageA);
		await pageA.getByTestId('federation-delegate').getByText('Cet appareil porte les publications du collectif dans cette fédération.').waitFor();
		await pageA.getByText("Rien n'est publié tant que le collectif n'a pas de profil.").waitFor();
		await pageA.getByLabel('Nom affiché').fill('Cantine du Panier');
		await pageA.getByLabel('Présentation').fill('Cantine populaire, 80 repas par jour');
		await pageA.getByRole('button', { name: 'Enregistrer le profil' }).click();
		await pageA.getByText('Profil enregistré.').waitFor();

		await pageA.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Véhicule', name: 'Vélo cargo', quantity: '1', unit: 'vélo', location: 'Cour de Marie, 4 impasse Tiquetonne' });
		await pageA.getByRole('link', { name: 'Fédérations' }).click();
		const form = pageA.getByRole('form', { name: 'Ressource à prêter' });
		await form.getByRole('button', { name: 'Publier' }).click();
		await form.getByRole('alert').getByText("Choisissez d'abord ce qu'il faut publier.").waitFor();
		await form.getByLabel('Ressource à prêter').selectOption({ label: 'Vélo cargo' });
		await form.getByLabel('Disponibilité').uncheck();
		await form.getByLabel('Secteur', { exact: true }).check();
		await form.getByLabel('Secteur affiché').fill('Marseille 2e');
		await form.getByRole('button', { name: 'Publier' }).click();
		await pageA.getByRole('button', { name: 'Ne plus publier « Vélo cargo »' }).waitFor();

		const listings = pageA.getByTestId('federation-listing');
		const bike = listings.filter({ hasText: 'Vélo cargo' });
		await bike.getByText('De : Cantine du Panier').waitFor();
		await bike.getByText('Secteur : Marseille 2e').waitFor();
		expect(await bike.getByText('Non vérifié').count()).toBe(0);
		await expect.poll(() => pageA.getByTestId('federation-collective').count()).toBe(3);

		// The coordinator's device in Node receives it through the relay: signed, verified, and nothing more than ticked.
		const fedDoc = fedProvider!.doc;
		const bikeCopy = () => [...copiesMap(fedDoc).values()].find((copy) => (copy as { public?: { name?: string } }).public?.name === 'Vélo cargo') as Record<string, unknown> | undefined;
		await expect.poll(() => bikeCopy()?.public, { timeout: 15_000 }).toEqual({ name: 'Vélo cargo', kind: 'vehicle', quantity: 1, unit: 'vélo', area: 'Marseille 2e' });
		const verdicts = await verifyFederation(fedDoc);
		expect(verdicts.collectives.size).toBe(3);
		// Every copy but the forged one.
		expect(copiesMap(fedDoc).size).toBe(6);
		expect(verdicts.copies.size).toBe(5);
		expect(JSON.stringify(copiesMap(fedDoc).toJSON())).not.toContain('Tiquetonne');
		expect(await horizontalOverflow(pageA)).toBe(0);
	});

	it('another member device, in Italian, reads the federation the collective keeps, without pasting anything', async () => {
		phoneB = await newDevice(browser, 'it-IT');
		const pageB = await phoneB.newPage();
		pageB.on('console', (message) => {
			if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) consoleErrors.push(message.text());
		});
		await pageB.goto(collectiveInvite);
		await pageB.getByLabel('Il tuo nome').fill('Bruno');
		await pageB.getByRole('button', { name: 'Unisciti' }).click();
		await pageB.waitForURL(/\/s\//);
		await pageB.getByRole('link', { name: 'Federazioni' }).click();
		const listings = pageB.getByTestId('federation-listing');
		await expect.poll(() => listings.count(), { timeout: 15_000 }).toBe(6);
		await pageB.getByText('Collettivi membri', { exact: false }).waitFor();
		await listings.filter({ hasText: 'Loyer du local' }).getByText('Da: Banque alimentaire Nord').waitFor();
		await listings.filter({ hasText: 'Camion gratuit' }).getByText('Non verificato').waitFor();
		await pageB.getByText('Firme che non si verificano: 1.', { exact: false }).waitFor();
		expect(await horizontalOverflow(pageB)).toBe(0);

		// Bruno's phone is no delegate: with the delegate's phone closed, taking the bike back waits for one.
		await pageA.close();
		await pageB.getByRole('button', { name: 'Non pubblicare più «Vélo cargo»' }).click();
		await pageB.getByTestId('federation-waiting').getByText("In attesa del dispositivo di un delegato", { exact: false }).waitFor();
		const fedDoc = fedProvider!.doc;
		const bikeCopy = () => [...copiesMap(fedDoc).values()].find((copy) => (copy as { source?: string; collective?: string; withdrawn?: boolean }).withdrawn === true) as Record<string, unknown> | undefined;
		expect(bikeCopy()).toBeUndefined();

		// The delegate's phone opens the collective again, on its inventory: the copy is withdrawn in the
		// background, kept under its key, and Bruno's phone stops waiting.
		pageA = await phoneA.newPage();
		pageA.on('console', (message) => {
			if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) consoleErrors.push(message.text());
		});
		await pageA.goto(`${link.origin}/s/${collectiveId}`);
		await pageA.getByRole('heading', { name: 'Cantine du Panier' }).waitFor();
		await expect.poll(() => bikeCopy(), { timeout: 15_000 }).toMatchObject({ withdrawn: true, public: null });
		await pageB.getByTestId('federation-waiting').waitFor({ state: 'detached' });
		await expect.poll(() => listings.count()).toBe(5);
		expect(consoleErrors).toEqual([]);
	});
});
