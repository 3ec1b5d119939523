/**
 * A relay whose disk is below its free-space floor closes with 4507 `storage-low`
 * the connections that bring it edits: the app says its storage is full, that the
 * edits wait safely on this device, and, once the relay has room again, sends them
 * and drops the message, with nothing asked of the person.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { ROOT, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const FULL_FR = 'Le stockage du serveur est plein. Vos modifications sont gardées en sécurité sur cet appareil';
const FULL_IT = 'Lo spazio del server è pieno. Le tue modifiche restano al sicuro su questo dispositivo';
// More than any disk has: the relay reads its own disk as low.
const LOW = { MIN_FREE_BYTES: '1000000 GiB' };

async function shot(page: Page, name: string): Promise<void> {
	const dir = join(ROOT, 'test-results');
	mkdirSync(dir, { recursive: true });
	await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

describe('a relay short of disk space', () => {
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

	it('keeps the edits on the device, says so, and sends them once the relay has room', async () => {
		const origin = `http://127.0.0.1:${relay.port}`;
		const alice = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
		await alice.page.goto(`${origin}/`);
		await alice.chooseName('Alice');
		await alice.createCollective('Atelier GKN');
		await alice.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await alice.waitSynced();
		const invite = await alice.inviteLink();
		await alice.page.goBack();

		const giulia = await (await newDevice(browser, 'it-IT')).newPage();
		await giulia.goto(invite);
		await giulia.getByLabel('Il tuo nome').fill('Giulia');
		await giulia.getByRole('button', { name: 'Unisciti' }).click();
		await giulia.waitForURL(/\/s\//);
		await giulia.getByRole('link', { name: 'Inventario', exact: true }).click();
		await giulia.getByRole('article', { name: 'Perceuse' }).waitFor();

		// The relay comes back on the same port and data, its disk now below the floor.
		await relay.kill('SIGTERM');
		relay = await startRelayProcess({ port: relay.port, dataDir: relay.dataDir, env: LOW });
		await alice.waitSynced();

		await alice.addResource({ kind: 'Véhicule', name: 'Camionnette' });
		const problem = alice.page.locator('[data-problem="storage_low"]');
		await problem.waitFor();
		expect(await problem.textContent()).toContain(FULL_FR);
		await expect.poll(() => alice.syncStatus().textContent()).toContain("1 modification en attente d'envoi");
		// The relay refuses again at each retry: the message stays put meanwhile.
		await alice.page.waitForTimeout(3000);
		expect(await problem.isVisible()).toBe(true);
		expect(await alice.syncStatus().getAttribute('data-pending')).toBe('1');
		await shot(alice.page, 'storage-low-fr-360');

		await giulia.getByRole('button', { name: 'Aggiungi una risorsa' }).click();
		const form = giulia.getByRole('form', { name: 'Aggiungi una risorsa' });
		await form.getByLabel('Nome', { exact: true }).fill('Carriola');
		await form.getByRole('button', { name: 'Salva' }).click();
		const problemIt = giulia.locator('[data-problem="storage_low"]');
		await problemIt.waitFor();
		expect(await problemIt.textContent()).toContain(FULL_IT);
		// Nothing of the message runs past a 360 px screen.
		expect(await giulia.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await shot(giulia, 'storage-low-it-360');

		// Room again: the waiting edits go by themselves, and the message goes with them.
		await relay.kill('SIGTERM');
		relay = await startRelayProcess({ port: relay.port, dataDir: relay.dataDir });
		await expect.poll(() => alice.syncStatus().getAttribute('data-pending'), { timeout: 20_000 }).toBe('0');
		await expect.poll(() => problem.count()).toBe(0);
		await expect.poll(() => giulia.locator('.sync').getAttribute('data-pending'), { timeout: 20_000 }).toBe('0');
		await expect.poll(() => problemIt.count()).toBe(0);
		await giulia.getByRole('article', { name: 'Camionnette' }).waitFor();
		await alice.resource('Carriola').waitFor();
	});
});
