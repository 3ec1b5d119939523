/**
 * The sample collective: from a new collective's first steps, Alice opens a sample to look
 * around. It is marked as such on every page, holds a little of everything, and no relay
 * ever hears of it (no connection names it). Deleted, it leaves the device's list and its
 * local copy goes; Alice's own collective stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

describe('the sample collective', () => {
	let relay: RelayProcess;
	let browser: Browser;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('is opened from the first steps, marked, never synced, and deleted', async () => {
		const page = await (await newDevice(browser, 'fr-FR')).newPage();
		const sockets: string[] = [];
		page.on('websocket', (socket) => sockets.push(socket.url()));
		const a = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		const own = await a.createCollective('Atelier', '');
		await a.waitSynced();

		await page.getByRole('link', { name: /^À traiter/ }).click();
		await page.getByRole('button', { name: "Ouvrir un collectif d'exemple pour voir" }).click();
		await page.waitForURL(/\/s\/sample-[A-Za-z0-9_-]+\/home$/);
		const sample = new URL(page.url()).pathname.split('/')[2]!;
		const banner = page.getByTestId('sample-banner');
		await banner.getByText("Collectif d'exemple : il reste sur cet appareil, rien n'est envoyé à personne.").waitFor();
		await page.getByRole('heading', { level: 1, name: 'Exemple — Atelier partagé' }).waitFor();
		// Something to look at on each page: a vote under way on the home page, things held, the members.
		await page.getByTestId('attention').locator('[data-kind="decision"]').waitFor();
		expect(await horizontalOverflow(page)).toBe(0);
		expect(await seriousViolations(page)).toEqual([]);
		await page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		for (const name of ['Camionnette', 'Salle de réunion', 'Pain']) await a.resource(name).waitFor();
		await banner.waitFor();
		await page.getByRole('link', { name: 'Membres', exact: true }).click();
		await page.locator('li.member', { hasText: 'Maria (sans téléphone)' }).waitFor();
		// Nobody is invited into a sample.
		expect(await page.getByRole('button', { name: 'Copier le lien' }).count()).toBe(0);

		// No connection ever named it.
		await page.waitForTimeout(1500);
		expect(sockets.some((url) => url.includes(own))).toBe(true);
		expect(sockets.filter((url) => url.includes(sample))).toEqual([]);

		await banner.getByRole('button', { name: "Supprimer l'exemple" }).click();
		await banner.getByText("Supprimer l'exemple de cet appareil, avec ce que vous y avez ajouté ?").waitFor();
		await banner.getByRole('button', { name: 'Le garder' }).click();
		await banner.getByRole('button', { name: "Supprimer l'exemple" }).click();
		await banner.getByRole('button', { name: "Supprimer l'exemple" }).click();
		await page.waitForURL(`http://127.0.0.1:${relay.port}/`);
		await page.getByRole('link', { name: 'Atelier' }).waitFor();
		expect(await page.getByText('Exemple — Atelier partagé').count()).toBe(0);
		const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
		expect(databases).toContain(`passerelle:${own}`);
		expect(databases).not.toContain(`passerelle:${sample}`);
	});
});
