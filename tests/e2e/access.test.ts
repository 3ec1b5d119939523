/**
 * Who may do what: a read-only device sees everything and can change nothing;
 * after a lost phone the key is changed, old devices are refused with an
 * explanation, and members carry on with the new invite link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

async function join(page: Page, link: string, name: string): Promise<void> {
	await page.goto(link);
	await page.getByLabel('Votre nom').fill(name);
	await page.getByRole('button', { name: 'Rejoindre' }).click();
	await page.waitForURL(/\/s\//);
	// A join lands on « À traiter »; these tests read the inventory.
	await page.getByRole('link', { name: 'Inventaire', exact: true }).click();
}

describe('read-only access and key rotation', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let a: AppModel;
	let reader: Page;
	let bob: Page;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('gives a read-only device the whole inventory and no way to change it', async () => {
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Coopérative');
		await a.addResource({ kind: 'Véhicule', name: 'Vélo cargo' });
		const memberLink = await a.inviteLink();
		await a.page.getByLabel('Lecture seule').check();
		const readLink = await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		expect(readLink).toContain('a=r');
		expect(readLink).not.toBe(memberLink);

		reader = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(reader, readLink, 'Écran du local');
		await reader.getByRole('article', { name: 'Vélo cargo' }).waitFor();
		await expect.poll(() => reader.locator('.sync').textContent()).toContain('lecture seule');
		expect(await reader.getByRole('button', { name: 'Ajouter une ressource' }).count()).toBe(0);
		expect(await reader.getByRole('button', { name: /Modifier/ }).count()).toBe(0);

		await a.page.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Pompe' });
		await reader.getByRole('article', { name: 'Pompe' }).waitFor();
		// A read-only device is not listed as a member.
		await a.page.getByRole('link', { name: 'Membres' }).click();
		await a.page.locator('.member', { hasText: 'Alice' }).waitFor();
		expect(await a.page.locator('.member', { hasText: 'Écran du local' }).count()).toBe(0);

		bob = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(bob, memberLink, 'Bob');
		await bob.getByRole('article', { name: 'Pompe' }).waitFor();
	});

	it('changes the key: old devices are refused and told why, members rejoin with the new link', async () => {
		await a.page.getByRole('button', { name: 'Changer la clé' }).click();
		await a.page.getByRole('button', { name: 'Changer la clé' }).click();
		await a.page.getByText('Clé changée').waitFor();

		for (const page of [bob, reader]) {
			await page.locator('[data-problem="refused"]').waitFor();
		}

		await a.page.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Scie circulaire' });
		await a.waitSynced();
		// The refused devices keep what they had and do not get what came after.
		expect(await bob.getByRole('article', { name: 'Scie circulaire' }).count()).toBe(0);
		expect(await bob.getByRole('article', { name: 'Pompe' }).count()).toBe(1);

		const newLink = await a.inviteLink();
		await bob.goto(newLink);
		await bob.getByRole('button', { name: 'Rejoindre' }).click();
		await bob.waitForURL(/\/s\//);
		await bob.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await bob.getByRole('article', { name: 'Scie circulaire' }).waitFor();
		expect(await bob.locator('[data-problem]').count()).toBe(0);
	});
});
