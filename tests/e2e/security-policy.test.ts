/**
 * The app under its Content-Security-Policy: every page, the invite's QR code, the
 * service worker and an offline reload run without a single violation, and the relay
 * forbids framing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const SECTIONS = ['', 'needs', 'money', 'money/dues', 'money/ledger', 'bookings', 'decisions', 'conflicts', 'history', 'transparency', 'members'];

/** Records every CSP violation the page reports, as events and as console errors. */
async function watchViolations(context: BrowserContext, page: Page): Promise<() => Promise<string[]>> {
	// Init scripts are evaluated by the browser itself, outside the page's policy.
	await context.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { cspViolations: string[] }).cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (event) => {
			seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
		});
	});
	const consoleErrors: string[] = [];
	page.on('console', (message) => {
		const text = message.text();
		if (/Content[- ]Security[- ]Policy|Refused to/i.test(text)) consoleErrors.push(text);
	});
	return async () => {
		const events = await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
		return [...consoleErrors, ...events];
	};
}

describe('the app under its security policy', () => {
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

	it('the page carries a policy with hashes, and the relay forbids framing', async () => {
		const response = await fetch(`${origin}/s/anything`);
		const html = await response.text();
		const meta = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
		expect(meta).toContain("default-src 'self'");
		expect(meta).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
		expect(meta).toContain("object-src 'none'");
		expect(meta).toContain('connect-src');
		expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		expect(response.headers.get('referrer-policy')).toBe('no-referrer');
	});

	it('every page, the QR code, the service worker and an offline reload run without a violation', async () => {
		const context = await newDevice(browser, 'fr-FR');
		try {
			const page = await context.newPage();
			const violations = await watchViolations(context, page);
			const app = new AppModel(page);
			await page.goto(`${origin}/`);
			await app.chooseName('Alice');
			const id = await app.createCollective('Atelier GKN', 'Usine occupée');
			await app.addResource({ kind: 'Matériel', name: 'Perceuse' });
			await app.waitSynced();
			await app.waitControlledByServiceWorker();
			expect(await violations()).toEqual([]);

			// Each page loaded afresh, through the fallback page and its inline script.
			for (const section of SECTIONS) {
				await page.goto(`${origin}/s/${id}${section === '' ? '' : `/${section}`}`);
				await page.locator('main').waitFor();
				await page.waitForLoadState('networkidle');
				expect(await violations(), section || 'inventory').toEqual([]);
			}
			// The invite's QR code is drawn, with its styles.
			const qr = page.getByTestId('invite-qr');
			await qr.waitFor();
			expect((await qr.boundingBox())?.width ?? 0).toBeGreaterThan(100);

			// Offline, the service worker serves the page, under the same policy.
			await context.setOffline(true);
			const reloaded = await page.reload();
			expect(reloaded?.fromServiceWorker()).toBe(true);
			await page.getByTestId('invite-qr').waitFor();
			expect(await violations()).toEqual([]);
			await context.setOffline(false);

			// And the watch does see a violation: an injected inline script is refused.
			const ran = await page.evaluate(() => {
				const script = document.createElement('script');
				script.textContent = 'window.injected = true';
				document.body.append(script);
				return (window as unknown as { injected?: boolean }).injected === true;
			});
			expect(ran).toBe(false);
			await expect.poll(async () => (await violations()).join('\n')).toMatch(/script-src/);
		} finally {
			await context.close();
		}
	});

	it('a page of the app cannot be framed by another site', async () => {
		const context = await newDevice(browser, 'fr-FR');
		try {
			const page = await context.newPage();
			// Another origin (localhost is not 127.0.0.1) framing the app.
			await page.route('http://localhost:9/frame', (route) =>
				route.fulfill({ contentType: 'text/html', body: `<iframe src="${origin}/"></iframe>` })
			);
			await page.goto('http://localhost:9/frame');
			// The browser replaces a refused frame with its own error page.
			await expect
				.poll(() => page.frames().map((frame) => frame.url()))
				.toEqual(['http://localhost:9/frame', 'chrome-error://chromewebdata/']);
		} finally {
			await context.close();
		}
	});
});
