/**
 * The app as installed and as read: installable with no error, usable in each
 * of its languages, accessible, and laid out for a 360 px phone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, launchProfile, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';

// Evaluated rather than added as a <script>: the app's policy refuses inline scripts,
// and evaluation from the test runs outside the page's policy.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
	id: string;
	impact: string | null;
	nodes: unknown[];
}

async function seriousViolations(page: Page): Promise<string[]> {
	await page.evaluate(axeSource);
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
		return (await axe.run()).violations;
	});
	return violations
		.filter((v) => v.impact === 'critical' || v.impact === 'serious')
		.map((v) => `${v.id} (${v.nodes.length})`);
}

describe('installable, multilingual, accessible', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let origin: string;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		origin = `http://127.0.0.1:${relay.port}`;
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('is installable: the browser reports no installability error', async () => {
		const context = await launchProfile();
		try {
			const page = await context.newPage();
			await page.goto(`${origin}/`);
			await page.evaluate(() => navigator.serviceWorker.ready);
			const cdp = await context.newCDPSession(page);
			const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
			expect(installabilityErrors).toEqual([]);
			const manifest = (await (await fetch(`${origin}/manifest.webmanifest`)).json()) as Record<string, unknown>;
			expect(manifest).toMatchObject({ display: 'standalone', start_url: '/', short_name: 'Passerelle' });
		} finally {
			await context.close();
		}
	});

	const languages = [
		{ browserLocale: 'fr-FR', lang: 'fr', welcome: 'Bienvenue', name: 'Votre nom', go: 'Continuer', create: 'Créer un collectif', inventory: 'Inventaire', home: 'Ce qui demande votre attention', first: 'Premiers pas' },
		{ browserLocale: 'it-IT', lang: 'it', welcome: 'Benvenuto', name: 'Il tuo nome', go: 'Continua', create: 'Crea un collettivo', inventory: 'Inventario', home: 'Ciò che richiede la vostra attenzione', first: 'Primi passi' },
		{ browserLocale: 'en-GB', lang: 'en', welcome: 'Welcome', name: 'Your name', go: 'Continue', create: 'Create a collective', inventory: 'Inventory', home: 'What needs your attention', first: 'First steps' }
	];

	for (const l of languages) {
		it(`speaks ${l.lang} to a ${l.browserLocale} browser, fits 360 px and passes axe`, async () => {
			const context = await newDevice(browser, l.browserLocale);
			try {
				const page = await context.newPage();
				await page.goto(`${origin}/`);
				await page.getByRole('heading', { name: l.welcome }).waitFor();
				expect(await page.evaluate(() => document.documentElement.lang)).toBe(l.lang);
				expect(await seriousViolations(page)).toEqual([]);

				await page.getByLabel(l.name).fill('Zoé');
				await page.getByRole('button', { name: l.go }).click();
				await page.getByRole('heading', { name: l.create }).waitFor();
				await page.locator('input[name="space-name"]').fill('Cantine');
				await page.locator('form', { has: page.locator('input[name="space-name"]') }).getByRole('button').click();
				await page.getByRole('link', { name: l.inventory }).waitFor();
				// A new collective opens on its home page, which guides its first steps.
				await page.getByRole('heading', { name: l.home }).waitFor();
				await page.getByRole('heading', { name: l.first }).waitFor();
				expect(await seriousViolations(page)).toEqual([]);
				const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
				expect(overflow).toBeLessThanOrEqual(360);
			} finally {
				await context.close();
			}
		});
	}

	it('switches language on the spot and remembers the choice', async () => {
		const context = await newDevice(browser, 'fr-FR');
		try {
			const page = await context.newPage();
			await page.goto(`${origin}/`);
			await page.getByRole('heading', { name: 'Bienvenue' }).waitFor();
			await page.getByLabel('Langue').selectOption('it');
			await page.getByRole('heading', { name: 'Benvenuto' }).waitFor();
			expect(await page.evaluate(() => document.documentElement.lang)).toBe('it');
			await page.reload();
			await page.getByRole('heading', { name: 'Benvenuto' }).waitFor();
		} finally {
			await context.close();
		}
	});

	it('refuses a damaged invite link with a clear message', async () => {
		const context = await newDevice(browser, 'en-GB');
		try {
			const page = await context.newPage();
			await page.goto(`${origin}/join#s=abc&k=short`);
			await page.getByText('This invite link is incomplete or damaged').waitFor();
		} finally {
			await context.close();
		}
	});
});
