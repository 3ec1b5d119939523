/**
 * The relay's disk failed: it comes back on the same address with an empty data
 * directory, and a largest message smaller than the space a phone holds. The phone
 * opens the space and fills the relay again, in pieces, by itself; another device
 * then gets the whole space from the relay. The space holds eight thousand ledger
 * entries over two years, written with the domain's own functions into the phone's
 * IndexedDB copy, then opened by the app as any stored change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { listEntries } from '../../src/lib/domain/money';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';
import { generateSpace } from '../../bench/scale/generate';
import { launchBrowser, newDevice } from '../support/browser';
import { freePort, requireAppBuild, startRelayProcess, tempDir, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { storedUpdates, storeUpdate } from './device-store';

const ENTRIES = 8000;
const MAX_PAYLOAD = 2 * 1024 * 1024;

describe('a relay restored empty', () => {
	let port: number;
	let relay: RelayProcess;
	let browser: Browser;

	beforeAll(async () => {
		requireAppBuild();
		port = await freePort();
		relay = await startRelayProcess({ port });
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('is filled again by the first phone that opens the space, larger than its largest message', async () => {
		const origin = `http://127.0.0.1:${port}`;
		const phone = await newDevice(browser, 'fr-FR');
		const page = await phone.newPage();
		const app = new AppModel(page);
		await page.goto(`${origin}/`);
		await app.chooseName('Alice');
		const spaceId = await app.createCollective('Atelier des Lilas');
		await app.waitSynced();
		await app.waitControlledByServiceWorker();
		const invite = parseInvite(await app.inviteLink());
		if (!invite.ok) throw new Error('the invite did not parse');

		// Two years of a collective's life, on the phone only.
		await page.goto(`${origin}/manifest.webmanifest`);
		const space = new Y.Doc();
		for (const update of await storedUpdates(page, spaceId)) Y.applyUpdate(space, Buffer.from(update, 'base64'));
		const before = Y.encodeStateVector(space);
		generateSpace(
			space,
			{ members: 8, resources: 20, funds: 4, entries: ENTRIES, needs: 6, pledges: 40, decisions: 30, positions: 60, bookings: 120 },
			{ seed: 61, batch: 500 }
		);
		await storeUpdate(page, spaceId, Y.encodeStateAsUpdate(space, before));
		expect(Y.encodeStateAsUpdate(space).byteLength).toBeGreaterThan(MAX_PAYLOAD);

		// The disk failed: the same address, nothing stored, and a smaller largest message.
		expect(await relay.kill('SIGTERM')).toBe(0);
		relay = await startRelayProcess({ port, dataDir: tempDir('reseed-empty'), env: { MAX_PAYLOAD_BYTES: '2MiB' } });

		await page.goto(`${origin}/s/${spaceId}/money/ledger`);
		await app.waitSynced();

		// Another device, knowing only the invite, gets everything from the relay.
		const other = new Y.Doc();
		const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, spaceId, other, {
			params: { token: await deriveRelayToken(invite.invite.secret, spaceId) },
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		try {
			await expect
				.poll(() => Y.encodeStateVector(other).join() === Y.encodeStateVector(space).join(), { timeout: 60_000 })
				.toBe(true);
			expect(listEntries(other).items.length).toBe(listEntries(space).items.length);
			expect(listEntries(other).items.length).toBeGreaterThanOrEqual(ENTRIES);
			expect(Y.equalSnapshots(Y.snapshot(other), Y.snapshot(space))).toBe(true);
		} finally {
			provider.destroy();
		}
		// The phone stayed connected and synced throughout.
		expect(await page.locator('.sync[data-state="synced"]').count()).toBe(1);
	});
});
