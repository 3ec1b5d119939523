/**
 * A key change whose answer is lost: the relay applied it, and the network went
 * down before the answer came back. The device must end up on the new key, not
 * on the old one the relay now refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AnswerCuttingLink } from '../support/answer-cutting-link';
import { launchBrowser, newDevice } from '../support/browser';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

interface StoredEntry {
	id: string;
	secret: string;
	pendingSecret?: string;
}

async function storedEntry(page: Page, id: string): Promise<StoredEntry | undefined> {
	const raw = await page.evaluate(() => localStorage.getItem('passerelle:spaces'));
	return (JSON.parse(raw ?? '[]') as StoredEntry[]).find((entry) => entry.id === id);
}

describe('a key change whose answer is lost', () => {
	let relay: RelayProcess;
	let link: AnswerCuttingLink;
	let browser: Browser;
	let a: AppModel;
	let bob: Page;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await AnswerCuttingLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('keeps the new key while the outcome is unknown, and settles on it once the relay is back', async () => {
		await a.page.goto(`${link.origin}/`);
		await a.chooseName('Alice');
		const id = await a.createCollective('Atelier');
		await a.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await a.waitSynced();
		await a.waitControlledByServiceWorker();
		const memberLink = await a.inviteLink();
		bob = await (await newDevice(browser, 'fr-FR')).newPage();
		await bob.goto(memberLink);
		await bob.getByLabel('Votre nom').fill('Bob');
		await bob.getByRole('button', { name: 'Rejoindre' }).click();
		await bob.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await bob.getByRole('article', { name: 'Perceuse' }).waitFor();
		const before = await storedEntry(a.page, id);

		link.armForNextRotation();
		await a.page.getByRole('button', { name: 'Changer la clé' }).click();
		await a.page.getByRole('button', { name: 'Changer la clé' }).click();
		// The relay took the change (Bob, on the old key, is cut off), but its answer never arrived.
		await a.page.locator('[data-rotation="waiting"]').waitFor();
		expect(link.rotationsForwarded).toBeGreaterThanOrEqual(1);
		await bob.locator('[data-problem="refused"]').waitFor();
		const waiting = await storedEntry(a.page, id);
		expect(waiting?.secret).toBe(before?.secret);
		expect(waiting?.pendingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(await a.page.locator('[data-rotation="done"]').count()).toBe(0);
		// The relay closed this device's connection on its old key: that is the change waiting, not a refusal.
		await a.page.locator('[data-key-pending]').waitFor();
		expect(await a.page.locator('[data-problem="refused"]').count()).toBe(0);

		// Still unknown after a reload with the network down: the new key is kept, not forgotten.
		await a.page.reload();
		await a.page.getByRole('link', { name: 'Membres' }).click();
		await a.page.locator('[data-rotation="waiting"]').waitFor();
		expect((await storedEntry(a.page, id))?.pendingSecret).toBe(waiting?.pendingSecret);
		await a.page.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Scie circulaire' });

		await link.restore();
		await a.waitSynced();
		const settled = await storedEntry(a.page, id);
		expect(settled?.secret).toBe(waiting?.pendingSecret);
		expect(settled?.pendingSecret).toBeUndefined();
		expect(await a.page.locator('[data-problem]').count()).toBe(0);

		// The new invite link carries the key the relay holds: a member rejoins and sees the edit made meanwhile.
		const newLink = await a.inviteLink();
		expect(await a.page.locator('[data-rotation="waiting"]').count()).toBe(0);
		await bob.goto(newLink);
		await bob.getByRole('button', { name: 'Rejoindre' }).click();
		await bob.waitForURL(/\/s\//);
		await bob.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await bob.getByRole('article', { name: 'Scie circulaire' }).waitFor();
	});

	it('settles on the new key in the same visit, and says so, once the network is back', async () => {
		const id = new URL(a.page.url()).pathname.split('/')[2] ?? '';
		const before = await storedEntry(a.page, id);
		link.armForNextRotation();
		await a.page.getByRole('button', { name: 'Changer la clé' }).click();
		await a.page.getByRole('button', { name: 'Changer la clé' }).click();
		await a.page.locator('[data-rotation="waiting"]').waitFor();
		const waiting = await storedEntry(a.page, id);
		expect(waiting?.secret).toBe(before?.secret);
		await bob.locator('[data-problem="refused"]').waitFor();

		await link.restore();
		await a.page.locator('[data-rotation="done"]').waitFor();
		expect(await a.page.locator('[data-rotation="waiting"]').count()).toBe(0);
		expect((await storedEntry(a.page, id))?.secret).toBe(waiting?.pendingSecret);
		expect(await a.page.locator('[data-key-pending]').count()).toBe(0);
		await a.page.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Étau' });
		await a.waitSynced();
	});
});
