/**
 * A small export shown as a sequence of QR codes, on a 360 px phone: the codes
 * go round one after the other and can be held on one; where the browser cannot
 * read QR codes (headless Chromium on Linux has no BarcodeDetector and no
 * camera), reading says so and points to the file. Reading frames is tested in
 * Node (src/lib/sync/qr-frames.test.ts): no camera can be driven here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

describe('QR codes for a small export', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		page = await (await newDevice(browser, 'fr-FR')).newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('shows the export as codes going round, and says where codes cannot be read', async () => {
		const a = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier');
		await a.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await page.getByRole('link', { name: 'Fichiers' }).click();
		await page.getByRole('button', { name: 'Exporter' }).click();
		await page.getByTestId('bundle-exported').waitFor();
		const show = page.getByTestId('qr-show');
		const label = await show.textContent();
		const count = Number(/(\d+) QR codes/.exec(label ?? '')?.[1]);
		expect(count).toBeGreaterThan(1);
		await show.click();
		const sequence = page.getByTestId('qr-sequence');
		await sequence.getByTestId('qr-frame').waitFor();
		expect(await sequence.getAttribute('data-total')).toBe(String(count));
		const first = await sequence.getByTestId('qr-frame').innerHTML();
		await expect.poll(() => sequence.getAttribute('data-index'), { timeout: 5000 }).not.toBe('1');
		expect(await sequence.getByTestId('qr-frame').innerHTML()).not.toBe(first);
		await sequence.getByRole('button', { name: 'Arrêter sur ce code' }).click();
		const held = await sequence.getAttribute('data-index');
		await page.waitForTimeout(1200);
		expect(await sequence.getAttribute('data-index')).toBe(held);
		await sequence.getByText(`Code ${held} sur ${count}`).first().waitFor();
		expect(await horizontalOverflow(page)).toBe(0);
		expect(await seriousViolations(page)).toEqual([]);

		await page.getByTestId('qr-scan').click();
		await page.getByTestId('qr-problem').getByText('Ce navigateur ne sait pas lire les QR codes', { exact: false }).waitFor();
	});
});
