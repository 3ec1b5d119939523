/**
 * Reminders, with the page's clock installed: another member (a device in Node, through the
 * real relay) opens a vote closing in thirty hours. Nothing is reminded yet; seven hours
 * later the vote closes within a day and Alice has no position: « À traiter » counts it and
 * the phone shows a notification, once. Turning the kind off takes it away. With the app
 * closed, a reminder the page foresaw comes due and the service worker, woken as Periodic
 * Background Sync would wake it, shows it once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newId, type MemberId } from '../../src/lib/domain/core';
import { createDecision } from '../../src/lib/domain/decisions/decisions';
import { joinSpace } from '../../src/lib/domain/space/space';
import { seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { openInNode } from '../support/node-device';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const H = 3_600_000;

/** The notifications the service worker shows, as title and text. */
async function shown(page: Page): Promise<{ title: string; body: string }[]> {
	return page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body }));
	});
}

describe('reminders', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let context: BrowserContext;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		context = await newDevice(browser, 'fr-FR');
		await context.grantPermissions(['notifications'], { origin: `http://127.0.0.1:${relay.port}` });
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('remind of a vote closing within a day, in the count and as one notification, until turned off', async () => {
		const page = await context.newPage();
		const start = Date.now();
		await page.clock.install({ time: start });
		const a = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		const spaceId = await a.createCollective('Atelier', '');
		await a.waitSynced();
		await a.waitControlledByServiceWorker();

		const other = await openInNode(await a.inviteLink(), relay.port);
		try {
			const bruno = newId() as MemberId;
			joinSpace(other.doc, bruno, 'Bruno');
			const made = createDecision(other.doc, { title: 'Repeindre la cuisine', proposal: 'En vert', process: 'vote', closesAt: start + 30 * H }, bruno);
			expect(made.ok).toBe(true);
			await new Promise((done) => setTimeout(done, 500));
		} finally {
			other.close();
		}

		await page.getByRole('link', { name: 'À traiter' }).click();
		await page.waitForURL(`http://127.0.0.1:${relay.port}/s/${spaceId}/home`);
		const settings = page.getByTestId('reminder-settings');
		await settings.getByLabel('Aussi en notification du téléphone').check();
		expect(await settings.getByLabel('Aussi en notification du téléphone').isChecked()).toBe(true);
		const home = page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: /^À traiter/ });
		// The decision is on the home page, but it closes in thirty hours: no reminder yet.
		await page.getByTestId('attention').locator('[data-kind="decision"]').waitFor();
		await page.clock.runFor(2 * 60_000);
		expect(await home.textContent()).toBe('À traiter');
		expect(await shown(page)).toEqual([]);

		// Seven hours later it closes within the day, and Alice has not answered.
		await page.clock.fastForward(7 * H);
		await page.clock.runFor(61_000);
		await expect.poll(() => home.textContent()).toBe('À traiter (1)');
		await expect.poll(() => shown(page)).toEqual([{ title: 'Atelier', body: expect.stringMatching(/^Décision « Repeindre la cuisine » : se clôt le .+, votre position manque$/) }]);
		expect(await seriousViolations(page)).toEqual([]);

		// Notified once: later checks and a reload do not show it again.
		await page.evaluate(async () => {
			for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close();
		});
		await page.clock.runFor(3 * 60_000);
		await page.reload();
		await page.clock.runFor(61_000);
		await expect.poll(() => home.textContent()).toBe('À traiter (1)');
		expect(await shown(page)).toEqual([]);

		// Turned off for this collective: the count goes.
		await page.getByTestId('reminder-settings').getByLabel('Décisions qui se closent dans moins de 24 h sans ma position').uncheck();
		await expect.poll(() => home.textContent()).toBe('À traiter');
	});
	it('shows a reminder that comes due with the app closed, when the browser wakes the service worker', async () => {
		const origin = `http://127.0.0.1:${relay.port}`;
		const device = await newDevice(browser, 'fr-FR');
		await device.grantPermissions(['notifications'], { origin });
		try {
			const page = await device.newPage();
			const a = new AppModel(page);
			await page.goto(`${origin}/`);
			await a.chooseName('Alice');
			const spaceId = await a.createCollective('Atelier', '');
			await a.waitSynced();
			await a.waitControlledByServiceWorker();
			await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: /^À traiter/ }).click();
			await page.getByTestId('reminder-settings').getByLabel('Aussi en notification du téléphone').check();

			// Bruno opens a vote that enters its last day a few seconds from now.
			const dueAt = Date.now() + 24 * H + 6_000;
			const other = await openInNode(await a.inviteLink(), relay.port);
			try {
				const bruno = newId() as MemberId;
				joinSpace(other.doc, bruno, 'Bruno');
				expect(createDecision(other.doc, { title: 'Fermer en août', process: 'consent', closesAt: dueAt }, bruno).ok).toBe(true);
				await new Promise((done) => setTimeout(done, 500));
			} finally {
				other.close();
			}

			// The page foresees it, worded, for the service worker; nothing is shown yet.
			const foreseen = () =>
				page.evaluate(
					() =>
						new Promise<{ body: string; url: string }[]>((resolve) => {
							const opening = indexedDB.open('passerelle-reminders');
							opening.onsuccess = () => {
								const read = opening.result.transaction('upcoming', 'readonly').objectStore('upcoming').getAll();
								read.onsuccess = () => resolve(read.result.flatMap((space: { items: { body: string; url: string }[] }) => space.items));
							};
						})
				);
			await expect.poll(foreseen, { timeout: 20_000 }).toEqual([{ body: expect.stringMatching(/^Décision « Fermer en août » : se clôt le /), url: expect.stringMatching(`/s/${spaceId}/decisions/`), tag: expect.any(String), dueAt: expect.any(Number), until: expect.any(Number) }]);
			expect(await shown(page)).toEqual([]);

			// The app is closed; the reminder comes due; the browser wakes the worker.
			await page.close();
			await new Promise((done) => setTimeout(done, Math.max(0, dueAt - 24 * H - Date.now()) + 1_000));
			const outside = await device.newPage();
			// A file of the app's origin, not the app: nothing of the app runs to show the reminder itself.
			await outside.goto(`${origin}/notifications.js`);
			const cdp = await device.newCDPSession(outside);
			const registration = new Promise<string>((resolve) =>
				cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
					const found = registrations.find((r: { scopeURL: string; isDeleted: boolean }) => r.scopeURL.startsWith(origin) && !r.isDeleted);
					if (found) resolve(found.registrationId);
				})
			);
			await cdp.send('ServiceWorker.enable');
			expect(await shown(outside)).toEqual([]);
			await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', { origin, registrationId: await registration, tag: 'passerelle-reminders' });
			await expect.poll(() => shown(outside)).toEqual([{ title: 'Atelier', body: expect.stringMatching(/^Décision « Fermer en août » : se clôt le .+, votre position manque$/) }]);

			// Woken again, it does not show it twice.
			await outside.evaluate(async () => {
				for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close();
			});
			await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', { origin, registrationId: await registration, tag: 'passerelle-reminders' });
			await new Promise((done) => setTimeout(done, 1_000));
			expect(await shown(outside)).toEqual([]);
		} finally {
			await device.close();
		}
	});
});
