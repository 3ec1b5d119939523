/**
 * A lost phone is used to change the collective's key first. The recovery key,
 * shown once at creation and kept on paper, takes the collective back: the
 * phone is cut off and the members carry on with a new invite link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { horizontalOverflow, seriousViolations } from '../support/axe';
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

async function storedText(page: Page): Promise<string> {
	return page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
}

describe('recovery after a lost phone changed the key', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let a: AppModel;
	let thief: Page;
	let recoveryLink = '';
	let spaceId = '';
	const socketUrls: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		a.page.on('websocket', (socket) => socketUrls.push(socket.url()));
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('shows the recovery key once at creation, then forgets it', async () => {
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		spaceId = await a.createCollective('Coopérative');
		expect(spaceId).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const panel = a.page.getByRole('region', { name: 'Clé de secours' });
		await panel.waitFor();
		await panel.getByTestId('recovery-qr').waitFor();
		recoveryLink = await panel.getByRole('textbox', { name: 'Lien de secours' }).inputValue();
		expect(await seriousViolations(a.page)).toEqual([]);
		expect(await horizontalOverflow(a.page)).toBe(0);
		const url = new URL(recoveryLink);
		expect(url.pathname).toBe('/recover');
		const recoveryKey = new URLSearchParams(url.hash.slice(1)).get('k') ?? '';
		expect(recoveryKey).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const confirm = panel.getByRole('button', { name: "J'ai gardé la clé de secours" });
		expect(await confirm.isDisabled()).toBe(true);
		await panel.getByRole('checkbox', { name: "Je l'ai imprimée ou recopiée, et je sais où elle est." }).check();
		await confirm.click();
		await panel.waitFor({ state: 'detached' });
		expect(await storedText(a.page)).not.toContain(recoveryKey);
		await a.page.reload();
		await a.page.getByRole('heading', { name: 'Coopérative' }).waitFor();
		expect(await a.page.getByRole('region', { name: 'Clé de secours' }).count()).toBe(0);

		await a.addResource({ kind: 'Matériel', name: 'Pompe' });
		await a.waitSynced();
		// The credentials travel in the subprotocol header: no socket URL holds a secret.
		expect(socketUrls.length).toBeGreaterThan(0);
		for (const socketUrl of socketUrls) expect(socketUrl).toBe(`ws://127.0.0.1:${relay.port}/sync/${spaceId}`);

		const memberLink = await a.inviteLink();
		expect(memberLink).not.toContain(recoveryKey);
		const member = new URLSearchParams(new URL(memberLink).hash.slice(1));
		expect(member.get('c')).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(member.get('v')).toMatch(/^[0-9a-f]{64}$/);
		await a.page.getByLabel('Lecture seule').check();
		const readLink = await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		const read = new URLSearchParams(new URL(readLink).hash.slice(1));
		expect(read.get('c')).toBeNull();
		expect(read.get('v')).toBeNull();
		expect(readLink).not.toContain(recoveryKey);
		await a.page.getByLabel('Membre', { exact: true }).check();

		thief = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(thief, memberLink, 'Téléphone perdu');
		await thief.getByRole('article', { name: 'Pompe' }).waitFor();
	});

	it('lets whoever holds a lost phone change the key, and refuses the members', async () => {
		await thief.getByRole('link', { name: 'Membres' }).click();
		await thief.getByRole('button', { name: 'Changer la clé' }).click();
		await thief.getByRole('button', { name: 'Changer la clé' }).click();
		await thief.getByText('Clé changée').waitFor();
		await a.page.locator('[data-problem="refused"]').waitFor();
	});

	it('takes the collective back with the recovery link and cuts the phone off', async () => {
		await a.page.goto(recoveryLink);
		await a.page.getByRole('heading', { name: "Récupérer l'accès à Coopérative" }).waitFor();
		// The key leaves the address bar and the history at once.
		expect(a.page.url()).toBe(`http://127.0.0.1:${relay.port}/recover`);
		expect(await seriousViolations(a.page)).toEqual([]);
		expect(await horizontalOverflow(a.page)).toBe(0);
		await a.page.getByRole('button', { name: "Récupérer l'accès" }).click();
		await a.page.locator('[data-recovery="done"]').waitFor();
		const newLink = await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		expect(newLink).toContain(spaceId);

		await thief.locator('[data-problem="refused"]').waitFor();
		await a.page.getByRole('link', { name: 'Ouvrir le collectif' }).click();
		await a.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await a.page.getByRole('article', { name: 'Pompe' }).waitFor();
		expect(await a.page.locator('[data-problem]').count()).toBe(0);
		await a.addResource({ kind: 'Matériel', name: 'Scie circulaire' });
		await a.waitSynced();
		expect(await thief.getByRole('article', { name: 'Scie circulaire' }).count()).toBe(0);

		// The phone cannot change the key back: its token is no member's any more.
		await thief.reload();
		await thief.getByRole('link', { name: 'Membres' }).click();
		await thief.getByRole('button', { name: 'Changer la clé' }).click();
		await thief.getByRole('button', { name: 'Changer la clé' }).click();
		await thief.locator('[data-rotation="refused"]').waitFor();

		// A member rejoins with the new invite link.
		const bob = await (await newDevice(browser, 'fr-FR')).newPage();
		await join(bob, newLink, 'Bob');
		await bob.getByRole('article', { name: 'Scie circulaire' }).waitFor();
	});

	it('refuses a recovery key that is not the collective’s', async () => {
		const wrong = recoveryLink.replace(/k=[A-Za-z0-9_-]{43}/, `k=${'x'.repeat(43)}`);
		await a.page.goto(wrong);
		await a.page.getByRole('button', { name: "Récupérer l'accès" }).click();
		await a.page.getByText("Cette clé de secours n'est pas celle de ce collectif.").waitFor();
		await a.page.goto(recoveryLink.replace(/k=[A-Za-z0-9_-]{43}/, 'k=short'));
		await a.page.getByText('Ce lien ou cette clé de secours est incomplet ou mal recopié.').waitFor();
	});

	it('takes the key alone, pasted by a member of the collective on this device', async () => {
		const recoveryKey = new URLSearchParams(new URL(recoveryLink).hash.slice(1)).get('k') ?? '';
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.page.getByRole('link', { name: "Récupérer l'accès avec une clé de secours" }).click();
		await a.page.getByRole('combobox', { name: /^Collectif/ }).selectOption({ label: 'Coopérative' });
		const field = a.page.getByRole('textbox', { name: 'Lien ou clé de secours' });
		await field.fill('y'.repeat(43));
		await a.page.getByRole('button', { name: "Récupérer l'accès" }).click();
		await a.page.getByText("Cette clé de secours n'est pas celle de ce collectif.").waitFor();
		await field.fill(recoveryKey);
		await a.page.getByRole('button', { name: "Récupérer l'accès" }).click();
		await a.page.locator('[data-recovery="done"]').waitFor();
		await a.page.getByRole('link', { name: 'Ouvrir le collectif' }).click();
		await a.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await a.page.getByRole('article', { name: 'Scie circulaire' }).waitFor();
		await a.waitSynced();
	});

	it('shows the recovery key in Italian on an Italian phone', async () => {
		const page = await (await newDevice(browser, 'it-IT')).newPage();
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await page.getByLabel('Il tuo nome').fill('Giulia');
		await page.getByRole('button', { name: 'Continua' }).click();
		await page.getByLabel('Nome del collettivo').fill('Officina');
		await page.getByRole('button', { name: 'Crea', exact: true }).click();
		const panel = page.getByRole('region', { name: 'Chiave di emergenza' });
		await panel.getByRole('textbox', { name: 'Link di emergenza' }).waitFor();
		await panel.getByRole('button', { name: 'Ho conservato la chiave di emergenza' }).waitFor();
		// The words, not the link: no French, no English, no raw code.
		const words = (await panel.locator('h2, p, label.check, button').allTextContents()).join(' ');
		expect(words).toContain('emergenza');
		expect(words).not.toMatch(/secours|recovery|clé|key|recovery_/i);
		expect(await seriousViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBe(0);
	});
});
