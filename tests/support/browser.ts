/** Debian's Chromium, driven by playwright-core; nothing is downloaded. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

const options: LaunchOptions = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: CHROMIUM_ARGS
};

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch(options);
}

/** A browser with its own fresh profile on disk: what installability checks need. */
export async function launchProfile(): Promise<BrowserContext> {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-profile-'));
	return chromium.launchPersistentContext(dir, options);
}

/** A phone-sized device with its own storage. */
export async function newDevice(browser: Browser, locale: string): Promise<BrowserContext> {
	return browser.newContext({
		locale,
		viewport: { width: 360, height: 740 },
		hasTouch: true,
		isMobile: true,
		deviceScaleFactor: 2
	});
}
