/**
 * The spine, end to end: a phone creates a collective and fills its inventory,
 * loses the network for real, keeps working and reloads offline, comes back;
 * a second device joins through the invite link and both see each other's edits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import * as Y from 'yjs';
import { openInNode } from '../support/node-device';
import { AppModel } from './app-model';

const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('offline-first collective, shared by invite', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;
	let deviceA: BrowserContext;
	let deviceB: BrowserContext;
	let a: AppModel;
	let pageA: Page;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		deviceA = await newDevice(browser, 'fr-FR');
		pageA = await deviceA.newPage();
		a = new AppModel(pageA);
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('creates a collective and records resources, confirmed by the relay', async () => {
		await pageA.goto(`${link.origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier GKN', 'Usine occupée');
		await a.addResource({ kind: 'Matériel', name: 'Perceuse', location: 'Hangar 2' });
		await a.addResource({ kind: 'Nourriture', name: 'Légumes', quantity: '40', unit: 'kg', expiresOn: tomorrow });
		await a.waitSynced();
		await a.resource('Légumes').getByText('Bientôt périmé').waitFor();
		await a.resource('Légumes').getByText('40 kg').waitFor();
		await a.resource('Perceuse').getByText('Modifié par Alice').waitFor();
		await a.waitControlledByServiceWorker();
	});

	it('keeps working with the network really cut, and across an offline reload', async () => {
		await link.cut();
		await deviceA.setOffline(true);
		await a.waitOffline();

		await a.addResource({ kind: 'Véhicule', name: 'Camionnette', quantity: '1' });
		await expect.poll(() => a.syncStatus().textContent()).toContain("1 modification en attente d'envoi");

		const response = await pageA.reload();
		expect(response?.fromServiceWorker()).toBe(true);
		await a.resource('Camionnette').waitFor();
		await expect.poll(() => a.resources().count()).toBe(3);
		await expect.poll(() => a.syncStatus().textContent()).toContain("1 modification en attente d'envoi");
		// The relay never saw the offline edit.
		expect(await a.syncStatus().getAttribute('data-state')).toBe('offline');
	});

	it('sends what was written offline once the network is back', async () => {
		await deviceA.setOffline(false);
		await link.restore();
		await a.waitSynced();
	});

	it('lets a second device join by invite link and see everything', async () => {
		const invite = await a.inviteLink();
		expect(invite).toMatch(/\/join#s=/);
		await pageA.getByTestId('invite-qr').waitFor();

		deviceB = await newDevice(browser, 'it-IT');
		const pageB = await deviceB.newPage();
		await pageB.goto(invite);
		await pageB.getByRole('heading', { name: 'Unisciti a «Atelier GKN»' }).waitFor();
		await pageB.getByLabel('Il tuo nome').fill('Bruno');
		await pageB.getByRole('button', { name: 'Unisciti' }).click();
		await pageB.waitForURL(/\/s\//);
		await pageB.getByRole('link', { name: 'Inventario', exact: true }).click();
		for (const name of ['Perceuse', 'Légumes', 'Camionnette']) {
			await pageB.getByRole('article', { name, exact: true }).waitFor();
		}
		await pageB.getByRole('heading', { name: 'Atelier GKN' }).waitFor();

		// B's edit reaches A.
		const drill = pageB.getByRole('article', { name: 'Perceuse', exact: true });
		await drill.getByRole('button', { name: 'Modifica Perceuse' }).click();
		const form = pageB.getByRole('form', { name: 'Modifica la risorsa' });
		await form.getByLabel('Disponibilità').selectOption({ label: 'In uso' });
		await form.getByRole('button', { name: 'Salva' }).click();

		await pageA.getByRole('link', { name: 'Inventaire' }).click();
		await a.resource('Perceuse').getByText('En usage').waitFor();
		await a.resource('Perceuse').getByText('Modifié par Bruno').waitFor();

		// Each sees the other: the member list and presence.
		await pageA.getByRole('link', { name: 'Membres' }).click();
		await pageA.locator('.member', { hasText: 'Bruno' }).waitFor();
		await expect.poll(() => a.syncStatus().textContent()).toContain('En ligne : Bruno');
	});

	it('skips and counts garbage written into the space by a buggy client, without breaking the page', async () => {
		const rogue = await openInNode(await a.inviteLink(), relay.port);
		const { doc } = rogue;
		try {
			const resources = doc.getMap('resources');
			resources.set('garbage-string-xxxxxxxx', 'not an entity');
			const bad = new Y.Map<unknown>();
			bad.set('id', 'garbage-map-xxxxxxxxxxx');
			bad.set('kind', 'spaceship');
			bad.set('name', 42);
			resources.set('garbage-map-xxxxxxxxxxx', bad);

			await pageA.getByRole('link', { name: 'Inventaire' }).click();
			await pageA.getByText("2 entrées n'ont pas pu être lues et sont ignorées.").waitFor();
			await expect.poll(() => a.resources().count()).toBe(3);
		} finally {
			rogue.close();
		}
	});
});
