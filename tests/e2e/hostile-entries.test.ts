/**
 * A member's device, through the real relay, writes what no form would: an
 * entry of nested maps deeper than any entity in the inventory and beside the
 * space's name, a name that reverses the text after it, and a megabyte name.
 * The other device keeps its inventory and its pages, counts what it cannot
 * read, and shows names plainly. (The relay refuses nesting beyond 64 levels,
 * tests/relay/deep-nesting.test.ts; what it lets through is still deeper than
 * the app reads, and an older relay may pass anything: the domain's unit tests
 * read ten thousand levels.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { newId } from '../../src/lib/domain/core';
import { launchBrowser, newDevice } from '../support/browser';
import { openInNode } from '../support/node-device';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

/** Deeper than the app reads an entry, within what the relay lets through. */
const DEPTH = 40;

/** Sets `key` of `parent` to a chain of nested maps, level by level as any client can. */
function nest(parent: Y.Map<unknown>, key: string): void {
	let level = new Y.Map<unknown>();
	parent.set(key, level);
	for (let i = 1; i < DEPTH; i++) {
		const child = new Y.Map<unknown>();
		level.set('a', child);
		level = child;
	}
}

function member(id: string, name: string): Y.Map<unknown> {
	const entry = new Y.Map<unknown>();
	entry.set('id', id);
	entry.set('name', name);
	entry.set('joinedAt', Date.now());
	return entry;
}

describe('entries no form would write', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let device: BrowserContext;
	let page: Page;
	let app: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
		page = await device.newPage();
		app = new AppModel(page);
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('keep the inventory, the space and the members readable, counted and shown plainly', async () => {
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		await app.createCollective('Atelier GKN', 'Usine occupée');
		await app.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await app.waitSynced();

		const invite = await app.inviteLink();
		const rogue = await openInNode(invite, relay.port);
		const { doc, spaceId } = rogue;
		try {
			const eve = newId();
			const long = newId();
			doc.transact(() => {
				const deep = new Y.Map<unknown>();
				const id = newId();
				doc.getMap('resources').set(id, deep);
				deep.set('id', id);
				deep.set('kind', 'room');
				nest(deep, 'name');
				nest(doc.getMap('meta'), 'banner');
				doc.getMap('members').set(eve, member(eve, 'Eve\u202Egpj.exe'));
				doc.getMap('members').set(long, member(long, 'A'.repeat(1_000_000)));
			});

			await page.getByRole('link', { name: 'Inventaire' }).click();
			await page.getByText("1 entrée n'a pas pu être lue et est ignorée.").waitFor();
			await expect.poll(() => app.resources().count()).toBe(1);
			await app.resource('Perceuse').waitFor();
			await page.getByRole('heading', { name: 'Atelier GKN', level: 1 }).waitFor();
			await expect.poll(() => page.getByTestId('awaiting-data').count()).toBe(0);

			// A name with an override shows without it, isolated; a megabyte name is not shown.
			await page.getByRole('link', { name: 'Membres' }).click();
			const shown = page.locator('.member bdi', { hasText: 'Evegpj.exe' });
			await shown.waitFor();
			expect(await shown.textContent()).toBe('Evegpj.exe');
			await page.getByText("1 entrée n'a pas pu être lue et est ignorée.").waitFor();
			const text = (await page.locator('main').textContent()) ?? '';
			expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
			expect(text).not.toContain('A'.repeat(81));
			await expect.poll(() => page.locator('.member').count()).toBe(2);

			// The other sections still open.
			for (const section of ['Besoins', 'Argent', 'Décisions']) {
				await page.getByRole('link', { name: section, exact: true }).click();
				await page.getByRole('heading', { name: 'Atelier GKN', level: 1 }).waitFor();
			}

			// The copy kept on the device loads again with the entry in it.
			await page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}`);
			await app.resource('Perceuse').waitFor();
			await page.getByText("1 entrée n'a pas pu être lue et est ignorée.").waitFor();
			await page.getByRole('heading', { name: 'Atelier GKN', level: 1 }).waitFor();

			// A new device still joins, and sees the same.
			const newcomer = await newDevice(browser, 'it-IT');
			const pageB = await newcomer.newPage();
			await pageB.goto(invite);
			await pageB.getByLabel('Il tuo nome').fill('Bruno');
			await pageB.getByRole('button', { name: 'Unisciti' }).click();
			await pageB.waitForURL(/\/s\//);
			await pageB.getByRole('link', { name: 'Inventario', exact: true }).click();
			await pageB.getByRole('article', { name: 'Perceuse', exact: true }).waitFor();
			await pageB.getByText('1 voce non è leggibile ed è ignorata.').waitFor();
			await pageB.getByRole('heading', { name: 'Atelier GKN', level: 1 }).waitFor();
		} finally {
			rogue.close();
		}
	});
});
