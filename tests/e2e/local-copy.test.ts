/**
 * A phone's copy of a space two years old loads in pieces: the copy y-indexeddb
 * compacted into one row is cut, applied a piece at a time, and written back as
 * those pieces, so the next opening applies them without cutting. Nothing of the
 * space is lost on the way, and the copy holds the same document after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import * as Y from 'yjs';
import { listEntries } from '../../src/lib/domain/money';
import { listResources } from '../../src/lib/domain/inventory';
import { generateSpace } from '../../bench/scale/generate';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { storedUpdates, storeUpdate } from './device-store';

/** The document the rows a device keeps make, and their sizes. */
async function storedCopy(page: AppModel['page'], spaceId: string): Promise<{ doc: Y.Doc; sizes: number[] }> {
	const doc = new Y.Doc();
	const rows = (await storedUpdates(page, spaceId)).map((row) => Buffer.from(row, 'base64'));
	for (const row of rows) Y.applyUpdate(doc, row);
	return { doc, sizes: rows.map((row) => row.length) };
}

describe('the copy on the phone, loaded in pieces', () => {
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

	it('opens a large compacted copy whole, and keeps it as pieces that open again', async () => {
		const origin = `http://127.0.0.1:${relay.port}`;
		const phone = await newDevice(browser, 'fr-FR');
		const app = new AppModel(await phone.newPage());
		const { page } = app;
		await page.goto(`${origin}/`);
		await app.chooseName('Alice');
		const spaceId = await app.createCollective('Atelier des Lilas');
		await app.waitSynced();

		// Two years of the collective, compacted into one row as y-indexeddb does after many changes.
		await page.goto(`${origin}/manifest.webmanifest`);
		const space = new Y.Doc();
		for (const row of await storedUpdates(page, spaceId)) Y.applyUpdate(space, Buffer.from(row, 'base64'));
		generateSpace(
			space,
			{ members: 8, resources: 300, funds: 4, entries: 6000, needs: 6, pledges: 40, decisions: 20, positions: 40, bookings: 100 },
			{ seed: 23, batch: 500 }
		);
		const whole = Y.encodeStateAsUpdate(space);
		expect(whole.byteLength).toBeGreaterThan(1024 * 1024);
		await storeUpdate(page, spaceId, whole);
		const resources = listResources(space).items.length;

		await page.goto(`${origin}/s/${spaceId}`);
		await expect.poll(() => page.getByTestId('resource-count').textContent()).toContain(`${resources}`);
		await page.getByTestId('space-loading').waitFor({ state: 'detached' });

		// Written back as pieces: no row near the whole, and together the same document.
		await expect.poll(async () => (await storedCopy(page, spaceId)).sizes.length).toBeGreaterThan(3);
		const kept = await storedCopy(page, spaceId);
		expect(Math.max(...kept.sizes)).toBeLessThan(whole.byteLength / 2);
		expect(Y.equalSnapshots(Y.snapshot(kept.doc), Y.snapshot(space))).toBe(true);
		expect(listEntries(kept.doc).items.length).toBe(listEntries(space).items.length);

		// The next opening reads the pieces: the same space, and the copy is not cut again.
		await app.addResource({ kind: 'Matériel', name: '0 Pompe à vélo' });
		await page.reload();
		await expect.poll(() => page.getByTestId('resource-count').textContent()).toContain(`${resources + 1}`);
		await page.getByTestId('space-loading').waitFor({ state: 'detached' });
		await app.resource('0 Pompe à vélo').waitFor();
		const again = await storedCopy(page, spaceId);
		expect(listEntries(again.doc).items.length).toBe(listEntries(space).items.length);
		expect(listResources(again.doc).items.length).toBe(resources + 1);
		await app.waitSynced();
		await phone.close();
	});
});
