/**
 * Two tabs of one browser on the same space, with the relay out of reach: a
 * change made in one shows in the other at once, both ways, and the second tab
 * opened offline gets what the first holds, without the whole space being sent
 * over again on each opening.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

describe('two tabs of one browser, offline', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;
	let device: BrowserContext;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		device = await newDevice(browser, 'fr-FR');
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('keep each other current with no relay', async () => {
		const first = await device.newPage();
		const one = new AppModel(first);
		await first.goto(`${link.origin}/`);
		await one.chooseName('Alice');
		const spaceId = await one.createCollective('Cantine du Lilas');
		await one.addResource({ kind: 'Matériel', name: 'Marmite' });
		await one.waitSynced();
		await one.waitControlledByServiceWorker();

		await link.cut();
		await device.setOffline(true);
		await one.waitOffline();
		await one.addResource({ kind: 'Matériel', name: 'Louche' });

		const second = await device.newPage();
		const two = new AppModel(second);
		await second.goto(`${link.origin}/s/${spaceId}`);
		await two.resource('Louche').waitFor();
		await two.addResource({ kind: 'Véhicule', name: 'Triporteur' });
		await one.resource('Triporteur').waitFor();
		await one.addResource({ kind: 'Nourriture', name: 'Lentilles' });
		await two.resource('Lentilles').waitFor();
		expect(await second.getByTestId('resource-count').textContent()).toContain('4');
	});
});
