/**
 * Opening a collective on a relay that does not know it yet: a read-only device
 * that arrives first is told to wait for a member's device, and gets in on its
 * own once one has connected; a site relay that asks a key for new collectives
 * gets it typed once, and member invites pass it on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

async function join(page: Page, link: string, name: string): Promise<void> {
	await page.goto(link);
	await page.getByLabel('Votre nom').fill(name);
	await page.getByRole('button', { name: 'Rejoindre' }).click();
	await page.waitForURL(/\/s\//);
	// A join lands on « À traiter »; these tests read the inventory.
	await page.getByRole('link', { name: 'Inventaire', exact: true }).click();
}

describe('a read-only device before any member', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('waits, saying why, and syncs by itself once a member has connected', async () => {
		const a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		await a.page.goto(`${link.origin}/`);
		await a.chooseName('Alice');
		await a.waitControlledByServiceWorker();
		// The collective is created with the relay out of reach: the relay has never heard of it.
		await link.cut();
		await a.createCollective('Cantine');
		await a.addResource({ kind: 'Nourriture', name: 'Pâtes' });
		await a.page.getByRole('link', { name: 'Membres' }).click();
		await a.page.getByLabel('Lecture seule').check();
		const readLink = new URL(await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue());
		// The wall screen reaches the relay by another way than the phone.
		const fragment = new URLSearchParams(readLink.hash.slice(1));
		fragment.set('r', `ws://127.0.0.1:${relay.port}/sync`);

		const screen = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(screen, `http://127.0.0.1:${relay.port}/join#${fragment.toString()}`, 'Écran du local');
		const problem = screen.locator('[data-problem="unclaimed"]');
		await problem.waitFor();
		expect(await problem.textContent()).toContain("Le serveur ne connaît pas encore ce collectif. L'appareil d'un membre doit s'y connecter d'abord");
		expect(await screen.getByRole('article', { name: 'Pâtes' }).count()).toBe(0);

		// The member's phone gets its network back and opens the collective on the relay.
		await link.restore();
		await a.page.evaluate(() => dispatchEvent(new Event('online')));
		await a.waitSynced();
		// Within its 30-second retry, with no help, the screen gets in and reads.
		await screen.getByRole('article', { name: 'Pâtes' }).waitFor({ timeout: 45_000 });
		await expect.poll(() => screen.locator('[data-problem]').count()).toBe(0);
		await expect.poll(() => screen.locator('.sync').textContent()).toContain('lecture seule');
		expect(await screen.getByRole('button', { name: 'Ajouter une ressource' }).count()).toBe(0);
	});
});

describe('a site relay that asks a key for new collectives', () => {
	const CLAIM_KEY = 'cle-du-site-de-la-cantine';
	let relay: RelayProcess;
	let browser: Browser;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ env: { CLAIM_KEY } });
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('asks for the key, keeps it, and passes it on in member invites only', async () => {
		const a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Cantine');
		await a.addResource({ kind: 'Nourriture', name: 'Riz' });
		await a.page.locator('[data-problem="claim_key"]').waitFor();
		expect(await a.page.locator('[data-problem="claim_key"]').textContent()).toContain(
			'Ce serveur demande une clé pour accueillir un nouveau collectif.'
		);

		// A read-only screen does not hold the key and could not open the space with it: it waits for a member.
		await a.page.getByRole('link', { name: 'Membres' }).click();
		await a.page.getByLabel('Lecture seule').check();
		const earlyReadLink = await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		const screen = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(screen, earlyReadLink, 'Écran');
		await screen.locator('[data-problem="unclaimed"]').waitFor();
		expect(await screen.getByLabel('Clé du serveur').count()).toBe(0);

		const field = a.page.getByLabel('Clé du serveur');
		await field.fill('trop court');
		await a.page.getByRole('button', { name: 'Envoyer la clé' }).click();
		await a.page.getByText("Cette clé n'a pas la bonne forme").waitFor();
		await field.fill(CLAIM_KEY);
		await a.page.getByRole('button', { name: 'Envoyer la clé' }).click();
		await a.waitSynced();
		expect(await a.page.locator('[data-problem]').count()).toBe(0);
		await screen.evaluate(() => dispatchEvent(new Event('online')));
		await screen.getByRole('article', { name: 'Riz' }).waitFor();

		await a.page.getByLabel('Membre', { exact: true }).check();
		const memberLink = await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		expect(new URLSearchParams(new URL(memberLink).hash.slice(1)).get('ck')).toBe(CLAIM_KEY);
		await a.page.getByLabel('Lecture seule').check();
		const readLink = await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		expect(readLink).not.toContain(CLAIM_KEY);

		const bob = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(bob, memberLink, 'Bob');
		await bob.getByRole('article', { name: 'Riz' }).waitFor();
		const stored = await bob.evaluate(() => localStorage.getItem('passerelle:spaces') ?? '');
		expect(stored).toContain(CLAIM_KEY);
	});
});

describe('a space created before committed ids', () => {
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

	it('still opens on a new relay and syncs, with neither claim secret nor recovery', async () => {
		const a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		const origin = `http://127.0.0.1:${relay.port}`;
		await a.page.goto(`${origin}/`);
		await a.chooseName('Alice');
		// What an older version of the app left in the device's memory: a 22-character id, no claim, no recovery hash.
		const id = 'AbCdEfGhIjKlMnOpQrStUv';
		await a.page.evaluate(
			([spaceId, relayUrl]) => {
				const entry = { id: spaceId, secret: 'S'.repeat(43), relayUrl, name: 'Ancien atelier', addedAt: 1, access: 'member' };
				localStorage.setItem('passerelle:spaces', JSON.stringify([entry]));
			},
			[id, `ws://127.0.0.1:${relay.port}/sync`]
		);
		await a.page.goto(`${origin}/s/${id}`);
		await a.addResource({ kind: 'Matériel', name: 'Étau' });
		await a.waitSynced();
		const memberLink = await a.inviteLink();
		expect(new URLSearchParams(new URL(memberLink).hash.slice(1)).get('c')).toBeNull();
		const bob = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(bob, memberLink, 'Bob');
		await bob.getByRole('article', { name: 'Étau' }).waitFor();
	});
});
