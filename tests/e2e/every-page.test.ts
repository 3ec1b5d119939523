/**
 * Every page of the app, as a French member on a 360 px phone sees it once the collective has
 * some of everything (a resource, a need with a kept and a withdrawn pledge, a fund and an entry,
 * a cancelled booking, a decision): axe finds no serious or critical violation on any of them.
 * The sections of a collective are all in sight on a phone and on a laptop, a read-only invite
 * says so before joining, and a printed page keeps its content and progress bars without the
 * means of moving around.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { DecisionsModel } from './decisions-model';
import { MoneyModel } from './money-model';

/** Every page of a space, as its route; an id in the path stands for any one. */
const SPACE_ROUTES = [
	'',
	'/home',
	'/needs',
	'/needs/:id',
	'/money',
	'/money/funds/:id',
	'/money/ledger',
	'/money/ledger/:id',
	'/money/dues',
	'/bookings',
	'/decisions',
	'/decisions/:id',
	'/conflicts',
	'/history',
	'/transparency',
	'/assembly',
	'/members',
	'/files',
	'/federation'
];

/** The route a space path belongs to: the segment after a collection of items is an item's id. */
function routeOf(path: string, spaceId: string): string {
	const rest = path.slice(`/s/${spaceId}`.length).replace(/\/$/, '');
	return rest.replace(/^(\/needs|\/decisions|\/money\/funds|\/money\/ledger)\/[^/]+$/, '$1/:id');
}

function dayInput(offsetDays: number, hour: number): string {
	const day = new Date(Date.now() + offsetDays * 86_400_000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T${pad(hour)}:00`;
}

/** Follows a link of the page to `path` inside the app (no reload), as a tap would. */
async function follow(page: Page, path: string): Promise<void> {
	// Back on a page, its list may still be drawing: wait for the link to be there.
	const handle = await page.waitForFunction((wanted) => {
		const anchor = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')].find((a) => new URL(a.href).pathname === wanted);
		if (!anchor) return null;
		const id = `visit-${Math.random().toString(36).slice(2)}`;
		anchor.setAttribute('data-visit', id);
		return id;
	}, path);
	const mark = (await handle.jsonValue()) as string;
	await page.locator(`[data-visit="${mark}"]`).click();
	await page.waitForURL((url) => url.pathname === path);
}

/** Waits until the page shows its own heading, not only the app's frame (a space's name is its h1, each of its pages has an h2). */
async function settled(page: Page): Promise<void> {
	const inSpace = new URL(page.url()).pathname.startsWith('/s/');
	await page.locator(inSpace ? 'main h2' : 'main h1, main h2').first().waitFor();
	await page.waitForLoadState('load');
}

describe('every page', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let context: BrowserContext;
	let app: AppModel;
	let base = '';
	let spaceId = '';

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		context = await newDevice(browser, 'fr-FR');
		app = new AppModel(await context.newPage());
		base = `http://127.0.0.1:${relay.port}`;
		const page = app.page;

		await page.goto(`${base}/`);
		await app.chooseName('Amina');
		spaceId = await app.createCollective('Atelier du quartier', 'Outils et salle partagés');
		await app.addResource({ kind: 'Local, salle', name: 'Grande salle', location: 'Rez-de-chaussée' });

		// A need with one pledge kept and one withdrawn.
		await follow(page, `/s/${spaceId}/needs`);
		await page.getByRole('button', { name: 'Nouveau besoin' }).click();
		const needForm = page.getByRole('form', { name: 'Nouveau besoin' });
		await needForm.getByLabel('Titre').fill('Chambres à air');
		await needForm.getByLabel('Objectif').fill('60');
		await needForm.getByRole('button', { name: 'Enregistrer' }).click();
		await page.getByRole('heading', { level: 2, name: 'Chambres à air' }).waitFor();
		const pledgeForm = page.getByRole('form', { name: 'Promettre' });
		for (const [i, amount] of ['25', '10'].entries()) {
			await pledgeForm.getByLabel(/Quantité|Montant/).fill(amount);
			await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
			await page.locator('li.pledge').nth(i).waitFor();
		}
		const second = page.locator('li.pledge').last();
		await second.getByRole('button', { name: 'Retirer la promesse' }).click();
		await second.getByLabel('Raison du retrait').fill('Plus disponible');
		await second.locator('button[type="submit"]').click();
		await page.locator('li.pledge[data-state="withdrawn"]').waitFor();

		// A fund and an entry.
		const money = new MoneyModel(page);
		await money.open('Fonds');
		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		await money.open('Écritures');
		await money.addEntry({ fund: 'Caisse (Caisse, EUR)', direction: 'Entrée', amount: '40', category: 'Don', outside: 'Voisins' });

		// A booking, cancelled.
		await follow(page, `/s/${spaceId}/bookings`);
		const bookingForm = page.getByRole('form', { name: 'Réserver ou prêter' });
		await bookingForm.getByLabel('Début').fill(dayInput(3, 10));
		await bookingForm.getByLabel('Fin').fill(dayInput(3, 12));
		await bookingForm.getByRole('button', { name: 'Demander' }).click();
		await page.getByRole('button', { name: 'Annuler la réservation' }).click();
		await page.locator('.booking[data-status="cancelled"]').waitFor();

		// A decision.
		const decisions = new DecisionsModel(page);
		await decisions.open();
		await decisions.propose({ title: 'Ouvrir le samedi', proposal: 'La salle ouvre aussi le samedi.', process: 'Consentement' });
		await app.waitSynced();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	for (const viewport of [
		{ width: 360, height: 740 },
		{ width: 1280, height: 800 }
	]) {
		it(`shows every section of the collective at ${viewport.width} px, inside the window`, async () => {
			const page = app.page;
			await page.setViewportSize(viewport);
			for (const section of ['', '/members', '/transparency']) {
				await follow(page, `/s/${spaceId}${section}`);
				const nav = page.getByRole('navigation', { name: 'Rubriques du collectif' });
				await nav.waitFor();
				const links = nav.getByRole('link');
				expect(await links.count()).toBe(12);
				for (const link of await links.all()) {
					const name = await link.textContent();
					const box = await link.boundingBox();
					expect(box, `${name} has a box`).not.toBeNull();
					expect(box!.x, `${name} starts inside the window`).toBeGreaterThanOrEqual(0);
					expect(box!.x + box!.width, `${name} ends inside the window`).toBeLessThanOrEqual(viewport.width);
					// Not clipped by a scrolling row: what is at its centre is the link itself.
					const onTop = await link.evaluate((el) => {
						const r = el.getBoundingClientRect();
						const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
						return hit !== null && el.contains(hit);
					});
					expect(onTop, `${name} can be tapped where it shows`).toBe(true);
				}
			}
			await page.setViewportSize({ width: 360, height: 740 });
		});
	}

	it('prints a need without the navigation or the controls, and with its progress bar in colour', async () => {
		const page = app.page;
		await follow(page, `/s/${spaceId}/needs`);
		await page.getByRole('progressbar').first().waitFor();
		await page.emulateMedia({ media: 'print' });
		try {
			expect(await page.getByRole('navigation', { name: 'Rubriques du collectif' }).isVisible()).toBe(false);
			expect(await page.locator('header.app-header').isVisible()).toBe(false);
			expect(await page.getByRole('button', { name: 'Nouveau besoin' }).isVisible()).toBe(false);
			const bar = page.getByRole('progressbar').first();
			expect(await bar.isVisible()).toBe(true);
			const fill = await bar.locator('.delivered').evaluate((el) => {
				const style = getComputedStyle(el);
				return { adjust: style.getPropertyValue('print-color-adjust'), background: style.backgroundColor };
			});
			expect(fill.adjust).toBe('exact');
			expect(fill.background).not.toBe('rgba(0, 0, 0, 0)');
		} finally {
			await page.emulateMedia({ media: 'screen' });
		}
	});

	it('passes axe in French at 360 px, on every route of a space with data and on home, join, recover and a shared file', async () => {
		const page = app.page;
		const failures: string[] = [];
		const check = async (what: string) => {
			await settled(page);
			const violations = await seriousViolations(page);
			if (violations.length > 0) failures.push(`${what}: ${violations.join('; ')}`);
		};

		// Every page reachable from the space's own links, one of each route, moving around as a
		// person does: following links inside the app and going back.
		const seen = new Set<string>();
		const visit = async (path: string): Promise<void> => {
			const route = routeOf(path, spaceId);
			seen.add(route);
			if (route === '/needs' || route === '/needs/:id') await page.getByRole('progressbar').first().waitFor();
			if (route === '/needs/:id') await page.locator('li.pledge[data-state="withdrawn"]').waitFor();
			if (route === '/bookings') await page.locator('.booking[data-status="cancelled"]').waitFor();
			await check(route || '/');
			const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
			for (const link of links) {
				if (!link.startsWith(`/s/${spaceId}`) || seen.has(routeOf(link, spaceId))) continue;
				await follow(page, link);
				await visit(link);
				await page.goBack();
				await page.waitForURL((url) => url.pathname === path);
			}
		};
		await follow(page, `/s/${spaceId}`);
		await visit(`/s/${spaceId}`);
		expect([...seen].sort()).toEqual([...SPACE_ROUTES].sort());

		await follow(page, `/s/${spaceId}/members`);
		await page.getByRole('radio', { name: 'Lecture seule' }).check();
		const readLink = await page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		await page.goto(`${base}/`);
		await check('home');
		await page.goto(`${base}/recover`);
		await check('recover');
		await page.goto(`${base}/join`);
		await check('join without an invite');
		await page.goto(`${base}/shared`);
		await page.getByRole('heading', { name: 'Fichier reçu' }).waitFor();
		await check('shared with no file waiting');
		const other = await newDevice(browser, 'fr-FR');
		const visitor = await other.newPage();
		await visitor.goto(readLink);
		await settled(visitor);
		// A read-only invite says so before anyone joins through it.
		await expect.poll(() => visitor.getByTestId('join-read-only').textContent()).toContain('Ce lien est en lecture seule');
		const joinViolations = await seriousViolations(visitor);
		if (joinViolations.length > 0) failures.push(`join: ${joinViolations.join('; ')}`);
		await other.close();

		expect(failures).toEqual([]);
	});
});
