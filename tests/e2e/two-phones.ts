/**
 * Two phones of one collective on one relay, each through its own link so that
 * each can be cut off alone, for the tests of what two devices do apart.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

export class TwoPhones {
	private constructor(
		private readonly relay: RelayProcess,
		private readonly browser: Browser,
		readonly links: CuttableLink[],
		private readonly contexts: BrowserContext[],
		readonly a: AppModel,
		readonly b: AppModel
	) {}

	static async open(locale = 'fr-FR'): Promise<TwoPhones> {
		requireAppBuild();
		const relay = await startRelayProcess();
		const browser = await launchBrowser();
		const links: CuttableLink[] = [];
		const contexts: BrowserContext[] = [];
		for (let i = 0; i < 2; i++) {
			links.push(await CuttableLink.open(await freePort(), relay.port));
			contexts.push(await newDevice(browser, locale));
		}
		const a = new AppModel(await contexts[0]!.newPage());
		const b = new AppModel(await contexts[1]!.newPage());
		return new TwoPhones(relay, browser, links, contexts, a, b);
	}

	/** The relay's own port, for a device that goes around the phones' links. */
	get relayPort(): number {
		return this.relay.port;
	}

	/** Phone `i` loses its link to the relay and the network. */
	async cutOff(i: number): Promise<void> {
		await this.links[i]!.cut();
		await this.contexts[i]!.setOffline(true);
	}

	async reconnect(i: number): Promise<void> {
		await this.contexts[i]!.setOffline(false);
		await this.links[i]!.restore();
	}

	async close(): Promise<void> {
		await this.browser.close();
		for (const link of this.links) await link.cut();
		await this.relay.kill('SIGTERM');
	}
}
