/**
 * Sync by file: two phones that no relay reaches hand each other .passerelle files (everything,
 * then only what the other lacks, through its device code) and end with the same collective; a
 * damaged file and a file of another collective are refused with a sentence and change nothing;
 * a read-only phone reads a member's file and a member refuses the read-only phone's; what came by file waits
 * to be confirmed as the phone's own edits do, and once one phone reaches a relay it reaches that relay too, as a third
 * device that joins later sees.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

/** Exports from the files page of `page` and returns the file's name and bytes. */
async function exportFile(page: Page, code?: string): Promise<{ name: string; bytes: Buffer }> {
	if (code === undefined) await page.getByRole('radio', { name: "Tout le collectif (c'est aussi sa sauvegarde)" }).check();
	else {
		await page.getByRole('radio', { name: 'Seulement ce qui manque à un appareil' }).check();
		await page.getByRole('textbox', { name: "Code de l'autre appareil" }).fill(code);
	}
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter le fichier' }).click()]);
	const path = await download.path();
	await page.getByTestId('bundle-exported').waitFor();
	return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

async function importByPicker(page: Page, file: { name: string; bytes: Buffer }): Promise<void> {
	await page.getByLabel('Choisir un fichier .passerelle').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.bytes });
}

async function importByDrop(page: Page, file: { name: string; bytes: Buffer }): Promise<void> {
	const dataTransfer = await page.evaluateHandle(
		({ name, bytes }) => {
			const transfer = new DataTransfer();
			transfer.items.add(new File([new Uint8Array(bytes)], name));
			return transfer;
		},
		{ name: file.name, bytes: [...file.bytes] }
	);
	await page.getByTestId('bundle-drop').dispatchEvent('drop', { dataTransfer });
}

/**
 * What the system's share sheet does when a file is sent to the installed app: it opens the
 * manifest's share target with the file in a multipart POST, which the service worker takes.
 */
async function sendToApp(page: Page, file: { name: string; bytes: Buffer }): Promise<void> {
	await page.evaluate(() => {
		const form = document.createElement('form');
		Object.assign(form, { id: 'share-sheet', method: 'post', action: '/share-file', enctype: 'multipart/form-data' });
		const input = Object.assign(document.createElement('input'), { id: 'share-sheet-file', type: 'file', name: 'file' });
		form.append(input);
		document.body.append(form);
	});
	await page.locator('#share-sheet-file').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.bytes });
	await page.evaluate(() => (document.getElementById('share-sheet') as HTMLFormElement).submit());
}

async function deviceCode(page: Page): Promise<string> {
	const box = page.getByRole('textbox', { name: 'Le code de cet appareil' });
	await expect.poll(() => box.inputValue()).not.toBe('');
	return box.inputValue();
}

/** The changes the phone's sync status counts as not yet confirmed by a relay. */
async function pendingOf(phone: AppModel): Promise<number> {
	return Number(await phone.syncStatus().getAttribute('data-pending'));
}

async function resourceNames(page: Page): Promise<string[]> {
	const items = page.getByRole('article');
	return (
		await items.evaluateAll((articles) =>
			articles.map((article) => document.getElementById(article.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() ?? '')
		)
	).sort();
}

describe('sync by file, with no relay in reach', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;
	let contextA: BrowserContext;
	let contextB: BrowserContext;
	let contextR: BrowserContext;
	let a: AppModel;
	let b: AppModel;
	let r: AppModel;
	let spaceId = '';
	let invite = '';
	/** A file of a second collective, which B does not follow. */
	let otherCollectiveFile: { name: string; bytes: Buffer } | undefined;
	const consoleErrors: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		contextA = await newDevice(browser, 'fr-FR');
		contextB = await newDevice(browser, 'fr-FR');
		contextR = await newDevice(browser, 'fr-FR');
		a = new AppModel(await contextA.newPage());
		b = new AppModel(await contextB.newPage());
		r = new AppModel(await contextR.newPage());
		for (const page of [a.page, b.page, r.page]) {
			page.on('console', (message) => {
				// The relay being out of reach is what this test is about: the browser says so for each attempt.
				if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(message.text())) {
					consoleErrors.push(message.text());
				}
			});
		}
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('two phones that never reach a relay exchange files and end with the same collective', async () => {
		// The app is installed on both phones, then the relay goes out of reach for good.
		for (const phone of [a, b, r]) {
			await phone.page.goto(`${link.origin}/`);
			await phone.waitControlledByServiceWorker();
		}
		await link.cut();
		for (const context of [contextA, contextB, contextR]) await context.setOffline(true);

		await a.chooseName('Alice');
		spaceId = await a.createCollective('Atelier vélo', 'Sans réseau');
		await a.waitOffline();
		await a.addResource({ kind: 'Matériel', name: 'Pompe', location: 'Cave' });
		await a.addResource({ kind: 'Nourriture', name: 'Pain', quantity: '12', unit: 'kg' });
		invite = await a.inviteLink();

		// B holds the collective's key from the invite, and none of its data.
		await b.page.goto(invite);
		await b.page.getByLabel('Votre nom').fill('Bruno');
		await b.page.getByRole('button', { name: 'Rejoindre' }).click();
		await b.page.waitForURL(/\/s\//);
		await b.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		expect(await b.resources().count()).toBe(0);

		await a.page.getByRole('link', { name: 'Fichiers' }).click();
		// The page as a 360 px phone shows it: the device's code as text and QR, nothing past the edge, nothing axe calls serious.
		await a.page.getByTestId('device-code-qr').waitFor();
		expect(await horizontalOverflow(a.page)).toBe(0);
		expect(await seriousViolations(a.page)).toEqual([]);
		const everything = await exportFile(a.page);
		expect(everything.name).toMatch(/^atelier-velo-\d{4}-\d{2}-\d{2}\.passerelle$/);

		await b.page.getByRole('link', { name: 'Fichiers' }).click();
		const waitingBefore = await pendingOf(b);
		await importByPicker(b.page, everything);
		await expect.poll(() => b.page.getByTestId('bundle-report').textContent()).toMatch(/\d+ changements ajoutés, 0 en attente\./);
		// B may be the one to bring A's changes to a relay: they wait for it as B's own edits do.
		await expect.poll(() => pendingOf(b)).toBeGreaterThan(waitingBefore);
		expect(await b.page.getByTestId('bundle-report').textContent()).toContain("Ils seront partagés avec les autres appareils dès que celui-ci sera en ligne.");

		// The same file again brings nothing new, and says so.
		await importByPicker(b.page, everything);
		await expect
			.poll(() => b.page.getByTestId('bundle-report').textContent())
			.toBe('Rien de nouveau : cet appareil avait déjà tout ce que porte ce fichier.');

		// B edits, then writes only what A lacks, from the code A shows.
		await b.page.getByRole('link', { name: 'Inventaire' }).click();
		for (const name of ['Pompe', 'Pain']) await b.resource(name).waitFor();
		await b.addResource({ kind: 'Matériel', name: 'Clé de 10' });
		const codeOfA = await deviceCode(a.page);
		await b.page.getByRole('link', { name: 'Fichiers' }).click();
		const lacking = await exportFile(b.page, codeOfA);
		expect(lacking.bytes.length).toBeLessThan(everything.bytes.length);
		await importByPicker(a.page, lacking);
		await expect.poll(() => a.page.getByTestId('bundle-report').textContent()).toMatch(/changements ajoutés, 0 en attente\./);

		// The same collective on both: the same state, and the same resources and members on screen.
		await expect.poll(async () => (await deviceCode(a.page)) === (await deviceCode(b.page))).toBe(true);
		for (const phone of [a, b]) await phone.page.getByRole('link', { name: 'Inventaire' }).click();
		await a.resource('Clé de 10').waitFor();
		await expect.poll(() => resourceNames(a.page)).toEqual(['Clé de 10', 'Pain', 'Pompe']);
		await expect.poll(() => resourceNames(b.page)).toEqual(await resourceNames(a.page));
		for (const phone of [a, b]) await phone.page.getByRole('link', { name: 'Membres' }).click();
		for (const phone of [a, b]) for (const name of ['Alice', 'Bruno']) await phone.page.locator('.member', { hasText: name }).waitFor();
		for (const phone of [a, b]) await phone.waitOffline();
	});

	it('refuses a damaged file and a file of another collective with a sentence, changing nothing', async () => {
		await a.page.getByRole('link', { name: 'Fichiers' }).click();
		const whole = await exportFile(a.page);
		await b.page.getByRole('link', { name: 'Fichiers' }).click();
		const before = await deviceCode(b.page);

		const damaged = Buffer.from(whole.bytes);
		const middle = Math.floor(damaged.length / 2);
		damaged[middle] = (damaged[middle] ?? 0) ^ 0x20;
		await importByDrop(b.page, { name: whole.name, bytes: damaged });
		await expect
			.poll(() => b.page.getByTestId('bundle-refusal').textContent())
			.toBe("Ce fichier est abîmé ou incomplet : rien n'a été importé. Demandez-en une nouvelle copie.");

		// A second collective on A, whose file B, which does not hold it, refuses.
		await a.page.goto(`${link.origin}/`);
		await a.createCollective('Cuisine', '');
		await a.addResource({ kind: 'Nourriture', name: 'Riz', quantity: '5', unit: 'kg' });
		await a.page.getByRole('link', { name: 'Fichiers' }).click();
		const other = await exportFile(a.page);
		otherCollectiveFile = other;
		await importByPicker(b.page, other);
		await expect
			.poll(() => b.page.getByTestId('bundle-refusal').textContent())
			.toBe("Ce fichier est celui d'un autre collectif : rien n'a été importé.");

		// Something that is not a bundle at all.
		await importByPicker(b.page, { name: 'photo.passerelle', bytes: Buffer.from('JFIF not a bundle') });
		await expect
			.poll(() => b.page.getByTestId('bundle-refusal').textContent())
			.toBe("Ce n'est pas un fichier Passerelle : rien n'a été importé.");

		await b.page.waitForTimeout(400);
		expect(await deviceCode(b.page)).toBe(before);
		await b.page.getByRole('link', { name: 'Inventaire' }).click();
		await expect.poll(() => resourceNames(b.page)).toEqual(['Clé de 10', 'Pain', 'Pompe']);
	});

	it('a read-only phone reads a member’s file, and a member refuses the read-only phone’s', async () => {
		await b.page.getByRole('link', { name: 'Membres' }).click();
		await b.page.getByRole('radio', { name: 'Lecture seule' }).check();
		const readInvite = await b.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).inputValue();
		await b.page.getByRole('link', { name: 'Fichiers' }).click();
		const fromMember = await exportFile(b.page);

		try {
			await r.page.goto(readInvite);
			await r.page.getByLabel('Votre nom').fill('Rita');
			await r.page.getByRole('button', { name: 'Rejoindre' }).click();
			await r.page.waitForURL(/\/s\//);
			await r.page.getByRole('link', { name: 'Fichiers' }).click();
			await r.page.getByText("Cet appareil est en lecture seule : ses fichiers se lisent sur les autres appareils en lecture seule, mais l'appareil d'un membre les refuse.").waitFor();
			await importByPicker(r.page, fromMember);
			await expect.poll(() => r.page.getByTestId('bundle-report').textContent()).toMatch(/changements ajoutés, 0 en attente\./);
			await r.page.getByRole('link', { name: 'Inventaire' }).click();
			await expect.poll(() => resourceNames(r.page)).toEqual(['Clé de 10', 'Pain', 'Pompe']);

			await r.page.getByRole('link', { name: 'Fichiers' }).click();
			const fromReader = await exportFile(r.page);
			const before = await deviceCode(b.page);
			await importByPicker(b.page, fromReader);
			await expect
				.poll(() => b.page.getByTestId('bundle-refusal').textContent())
				.toBe("Ce fichier n'a pas été fait par un membre (il vient d'un appareil en lecture seule) : rien n'a été importé.");
			expect(await deviceCode(b.page)).toBe(before);
		} finally {
			await contextR.close();
		}
	});

	it('a file sent to the installed app from another app is imported into its own collective', async () => {
		// The manifest offers the app to the system as a place to send .passerelle files.
		const manifest = await b.page.evaluate(async () => ((await fetch('/manifest.webmanifest')).json()) as Promise<{ share_target?: unknown }>);
		expect(manifest.share_target).toMatchObject({ action: '/share-file', method: 'POST', enctype: 'multipart/form-data' });

		await a.page.goto(`${link.origin}/s/${spaceId}`);
		await a.addResource({ kind: 'Matériel', name: 'Scie' });
		await a.page.getByRole('link', { name: 'Fichiers' }).click();
		const whole = await exportFile(a.page);

		// B is on another page of the app, still with no network, when the file arrives.
		await b.page.getByRole('link', { name: 'Inventaire' }).click();
		await sendToApp(b.page, whole);
		await b.page.waitForURL(`${link.origin}/s/${spaceId}/files`);
		await expect.poll(() => b.page.getByTestId('bundle-report').textContent()).toMatch(/\d+ changements ajoutés, 0 en attente\./);
		expect(await b.page.getByTestId('bundle-shared').textContent()).toBe(`Fichier reçu par partage : ${whole.name}`);
		await b.page.getByRole('link', { name: 'Inventaire' }).click();
		await b.resource('Scie').waitFor();

		// A file of a collective B does not follow is refused with what to do, and can be forgotten.
		await b.page.getByRole('link', { name: 'Fichiers' }).click();
		const before = await deviceCode(b.page);
		await sendToApp(b.page, otherCollectiveFile!);
		await b.page.waitForURL(/\/shared\?received$/);
		await expect
			.poll(() => b.page.getByTestId('shared-refusal').textContent())
			.toBe(
				"Ce fichier est celui d'un collectif que cet appareil ne suit pas : rien n'a été importé. Ouvrez d'abord sur cet appareil une invitation de ce collectif, puis envoyez-lui le fichier à nouveau."
			);
		expect(await horizontalOverflow(b.page)).toBe(0);
		await b.page.getByRole('button', { name: 'Oublier ce fichier' }).click();
		await b.page.waitForURL(`${link.origin}/`);
		await b.page.goto(`${link.origin}/shared`);
		await b.page.getByText("Aucun fichier n'attend d'être importé.", { exact: false }).waitFor();
		await b.page.goto(`${link.origin}/s/${spaceId}/files`);
		expect(await deviceCode(b.page)).toBe(before);
	});

	it('what came by file reaches the relay once the phone can reach it', async () => {
		// Only B comes back; A stays out of reach, so the relay can only learn A's resources from B.
		await link.restore();
		await contextB.setOffline(false);
		// Synced with nothing waiting: the relay confirmed A's changes too, which only B could bring.
		await b.waitSynced();

		const contextC = await newDevice(browser, 'fr-FR');
		try {
			const c = new AppModel(await contextC.newPage());
			await c.page.goto(invite.replace(/^http:\/\/[^/]+/, link.origin));
			await c.page.getByLabel('Votre nom').fill('Chiara');
			await c.page.getByRole('button', { name: 'Rejoindre' }).click();
			await c.page.waitForURL(/\/s\//);
			expect(new URL(c.page.url()).pathname).toBe(`/s/${spaceId}/home`);
			await c.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
			for (const name of ['Pompe', 'Pain', 'Clé de 10']) await c.resource(name).waitFor();
		} finally {
			await contextC.close();
		}
		// A never reached the relay: what C sees of A's came through B's file.
		expect(await a.syncStatus().getAttribute('data-state')).toBe('offline');
		expect(consoleErrors).toEqual([]);
	});
});
