/**
 * An occupied site's relay chained to a relay on the internet, both real relay
 * processes, the site's internet a TCP link the test cuts for real: a phone on
 * the site links its collective from the app; a laptop in town works on the
 * upstream relay; the internet goes down and both edit; it comes back and both
 * see everything, the phone's panel going from « waiting for the internet » to
 * « saved on the site and on the internet ». Then a key changed in town reaches the
 * site relay when a phone there is given the new invite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { inviteUrl, parseInvite } from '../../src/lib/sync/invite';
import { relayParams } from '../../src/lib/sync/keys';
import { AppModel } from './app-model';

async function resourceNames(page: Page): Promise<string[]> {
	const items = page.getByRole('article');
	return (
		await items.evaluateAll((articles) => articles.map((article) => document.getElementById(article.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() ?? ''))
	).sort();
}

describe('a site relay chained to one on the internet', () => {
	let upstream: RelayProcess;
	let site: RelayProcess;
	let internet: CuttableLink;
	let browser: Browser;
	let phone: Page;
	let laptop: Page;
	const errors: string[] = [];

	beforeAll(async () => {
		requireAppBuild();
		upstream = await startRelayProcess();
		internet = await CuttableLink.open(await freePort(), upstream.port);
		site = await startRelayProcess({ env: { UPSTREAM: `ws://127.0.0.1:${internet.port}` } });
		browser = await launchBrowser();
		phone = await (await newDevice(browser, 'fr-FR')).newPage();
		laptop = await (await newDevice(browser, 'it-IT')).newPage();
		for (const page of [phone, laptop]) {
			page.on('console', (message) => {
				if (message.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION|Failed to load resource/.test(message.text())) errors.push(message.text());
			});
		}
	});

	afterAll(async () => {
		await browser?.close();
		await internet?.cut();
		await site?.kill('SIGTERM');
		await upstream?.kill('SIGTERM');
	});

	it('links from the app, works on both sides while the internet is down, and catches up when it returns', async () => {
		const a = new AppModel(phone);
		await phone.goto(`http://127.0.0.1:${site.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier occupé');
		await phone.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Perceuse' });
		await a.waitSynced();

		await phone.getByRole('link', { name: 'Fichiers' }).click();
		const panel = phone.getByTestId('upstream-panel');
		await panel.getByText("Ce collectif n'est pas relié à internet depuis le site", { exact: false }).waitFor({ timeout: 15_000 });
		await panel.getByRole('button', { name: 'Relier ce collectif à internet' }).click();
		await panel.getByText('Enregistré sur le site et sur internet.').waitFor({ timeout: 20_000 });
		expect(await horizontalOverflow(phone)).toBe(0);
		expect(await seriousViolations(phone)).toEqual([]);

		// The laptop in town opens the same invite, pointed at the relay on the internet.
		const invite = parseInvite(await a.inviteLink());
		if (!invite.ok) throw new Error('invite did not parse');
		const town = inviteUrl(`http://127.0.0.1:${upstream.port}`, { ...invite.invite, relayUrl: `ws://127.0.0.1:${upstream.port}/sync` });
		await laptop.goto(town);
		await laptop.getByLabel('Il tuo nome').fill('Bruno');
		await laptop.getByRole('button', { name: 'Unisciti' }).click();
		await laptop.waitForURL(/\/s\//);
		await laptop.getByRole('link', { name: 'Inventario', exact: true }).click();
		await expect.poll(() => resourceNames(laptop), { timeout: 20_000 }).toEqual(['Perceuse']);

		// The site loses the internet; both sides go on working.
		await internet.cut();
		await phone.getByRole('link', { name: 'Inventaire' }).click();
		await a.addResource({ kind: 'Matériel', name: 'Scie' });
		await a.waitSynced();
		await new AppModel(laptop).page.getByRole('button', { name: 'Aggiungi una risorsa' }).click();
		const form = laptop.getByRole('form', { name: 'Aggiungi una risorsa' });
		await form.getByLabel('Nome', { exact: true }).fill('Martello');
		await form.getByRole('button', { name: 'Salva' }).click();
		await expect.poll(() => resourceNames(laptop)).toEqual(['Martello', 'Perceuse']);
		// The phone's own sync status says where its changes are, on every page.
		await phone.locator('.sync [data-upstream="waiting"]').getByText("sur l'ordinateur du site, en attente d'internet").waitFor({ timeout: 30_000 });
		await phone.getByRole('link', { name: 'Fichiers' }).click();
		await panel.getByText("Enregistré sur l'ordinateur du site, en attente d'internet pour monter.").waitFor({ timeout: 20_000 });

		await internet.restore();
		await panel.getByText('Enregistré sur le site et sur internet.').waitFor({ timeout: 20_000 });
		await phone.getByRole('link', { name: 'Inventaire' }).click();
		await expect.poll(() => resourceNames(phone), { timeout: 20_000 }).toEqual(['Martello', 'Perceuse', 'Scie']);
		await expect.poll(() => resourceNames(laptop), { timeout: 20_000 }).toEqual(['Martello', 'Perceuse', 'Scie']);
		await phone.locator('.sync [data-upstream="waiting"]').waitFor({ state: 'detached', timeout: 30_000 });
		expect(errors).toEqual([]);
	});

	it('a key changed in town reaches the site relay with the new invite, and the old key opens neither relay', async () => {
		const a = new AppModel(phone);
		const before = parseInvite(await a.inviteLink());
		if (!before.ok) throw new Error('invite did not parse');
		const oldToken = (await relayParams(before.invite.secret, before.invite.spaceId, 'member')).token;

		// A phone was lost: the laptop in town changes the key on the relay on the internet.
		await laptop.getByRole('link', { name: 'Membri' }).click();
		await laptop.getByRole('button', { name: 'Cambia la chiave' }).click();
		await laptop.getByRole('button', { name: 'Cambia la chiave' }).click();
		await laptop.getByText('Chiave cambiata', { exact: false }).waitFor({ timeout: 20_000 });
		const field = laptop.getByRole('textbox', { name: 'Link di invito', exact: true });
		await expect.poll(() => field.inputValue()).not.toContain(before.invite.secret);
		const fresh = await field.inputValue();

		// The site's link to the internet is refused now. The phone, which still has the old key,
		// is given the new invite, made in town, and pastes it into the app it uses on the site:
		// it stays on the site relay and changes its key there.
		await phone.goto(`http://127.0.0.1:${site.port}/`);
		await phone.getByRole('textbox', { name: "Lien d'invitation", exact: true }).fill(fresh);
		await phone.getByRole('button', { name: 'Rejoindre' }).click();
		await phone.waitForURL(/\/s\//);
		await a.waitSynced();
		const after = parseInvite(await a.inviteLink());
		if (!after.ok) throw new Error('invite did not parse');
		expect(after.invite.relayUrl).toBe(`ws://127.0.0.1:${site.port}/sync`);
		expect(after.invite.secret).not.toBe(before.invite.secret);

		// The site relay replays the change upstream and links again: work flows both ways.
		await laptop.getByRole('link', { name: 'Inventario' }).click();
		await laptop.getByRole('button', { name: 'Aggiungi una risorsa' }).click();
		const form = laptop.getByRole('form', { name: 'Aggiungi una risorsa' });
		await form.getByLabel('Nome', { exact: true }).fill('Trapano');
		await form.getByRole('button', { name: 'Salva' }).click();
		await phone.getByRole('link', { name: 'Inventaire' }).click();
		await expect.poll(() => resourceNames(phone), { timeout: 30_000 }).toContain('Trapano');
		await phone.getByRole('link', { name: 'Fichiers' }).click();
		await phone.getByTestId('upstream-panel').getByText('Enregistré sur le site et sur internet.').waitFor({ timeout: 30_000 });

		// The lost phone's key opens neither relay.
		for (const relay of [site, upstream]) {
			const response = await fetch(`http://127.0.0.1:${relay.port}/sync/${encodeURIComponent(before.invite.spaceId)}`, { headers: { Authorization: `Bearer ${oldToken}` } });
			await response.body?.cancel();
			expect(response.status).toBe(403);
		}
		expect(errors).toEqual([]);
	});
});
