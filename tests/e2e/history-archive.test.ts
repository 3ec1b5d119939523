/**
 * A space two years old holds thousands of history records. A member device
 * moves the oldest into the space's archive (a second room of the same space
 * on the relay) once the relay has stored that copy; a device joining later
 * downloads the lighter space, shows the recent history at once, and fetches
 * the old records only when its reader asks for them. Offline, before it ever
 * had them, it says so rather than showing an empty history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { newId, recordActivity, type MemberId } from '../../src/lib/domain/core';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';
import { AppModel } from './app-model';

/** More than a device keeps (5,000): the oldest ~2,400 go to the archive, 3,000 stay. */
const RECORDS = 5400;
const HOUR = 3_600_000;
/** The records span about eighteen months, oldest first, ending a day ago. */
const FIRST_AT = Date.now() - 86_400_000 - RECORDS * 2 * HOUR;

/** Every 500th record was made under this decision, which this device never received. */
const DECISION = newId<'decision'>();

/** The oldest record's line, and not the ten after it. */
const OLDEST = /Objet 0(?!\d)/;

const isoDay = (ms: number) => {
	const at = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
};

/** A device in Node speaking to the relay as the app does, in a room of the space. */
function nodeDevice(port: number, roomId: string, token: string): { doc: Y.Doc; provider: WebsocketProvider } {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, roomId, doc, {
		params: { token },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	return { doc, provider };
}

function synced(provider: WebsocketProvider): Promise<void> {
	return provider.synced ? Promise.resolve() : new Promise((done) => provider.once('sync', () => done()));
}

/** Bytes each WebSocket of a page received, by the room its URL names. */
async function countSocketBytes(page: Page): Promise<{ session: CDPSession; bytes: Map<string, number>; open: Map<string, string> }> {
	const session = await page.context().newCDPSession(page);
	const rooms = new Map<string, string>();
	const bytes = new Map<string, number>();
	/** The sockets open now: request id to room. */
	const open = new Map<string, string>();
	session.on('Network.webSocketCreated', ({ requestId, url }) => {
		const room = url.split('/sync/')[1] ?? url;
		rooms.set(requestId, room);
		open.set(requestId, room);
	});
	session.on('Network.webSocketClosed', ({ requestId }) => open.delete(requestId));
	session.on('Network.webSocketFrameReceived', ({ requestId, response }) => {
		const room = rooms.get(requestId) ?? '?';
		const size = response.opcode === 2 ? Buffer.from(response.payloadData, 'base64').byteLength : response.payloadData.length;
		bytes.set(room, (bytes.get(room) ?? 0) + size);
	});
	await session.send('Network.enable');
	return { session, bytes, open };
}

describe('old history moves to the space’s archive, loaded on demand', () => {
	let relay: RelayProcess;
	let link: CuttableLink;
	let browser: Browser;
	let deviceA: BrowserContext;
	let pageA: Page;
	let invite: string;
	let spaceId: string;
	let token: string;
	let fullBytes = 0;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		link = await CuttableLink.open(await freePort(), relay.port);
		browser = await launchBrowser();
		deviceA = await newDevice(browser, 'fr-FR');
		pageA = await deviceA.newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await link?.cut();
		await relay?.kill('SIGTERM');
	});

	it('a member device archives the oldest records once the relay holds the archive', async () => {
		const a = new AppModel(pageA);
		await pageA.goto(`${link.origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier des Lilas');
		await a.waitSynced();
		invite = await a.inviteLink();
		const parsed = parseInvite(invite);
		if (!parsed.ok) throw new Error('invite did not parse');
		spaceId = parsed.invite.spaceId;
		token = await deriveRelayToken(parsed.invite.secret, spaceId);

		// Two years of a collective's writes, as another member's device recorded them.
		const writer = nodeDevice(relay.port, spaceId, token);
		await synced(writer.provider);
		const by = newId<'member'>() as MemberId;
		for (let batch = 0; batch < RECORDS; batch += 600) {
			writer.doc.transact(() => {
				for (let i = batch; i < Math.min(RECORDS, batch + 600); i++) {
					const decisionId = i % 500 === 0 ? DECISION : null;
					recordActivity(writer.doc, { at: FIRST_AT + i * 2 * HOUR, by, action: 'resource.created', subjectKind: 'resource', subjectId: newId<'resource'>(), summary: `Objet ${i}`, decisionId });
				}
			});
		}
		fullBytes = Y.encodeStateAsUpdate(writer.doc).byteLength;
		const history = writer.doc.getArray('activity');
		expect(history.length).toBeGreaterThan(RECORDS);

		// Alice's phone archives; its removals reach the writer through the relay.
		await expect.poll(() => history.length, { timeout: 90_000 }).toBe(3000);
		const archive = nodeDevice(relay.port, `${spaceId}.history`, token);
		await synced(archive.provider);
		const archived = archive.doc.getArray<{ summary?: string }>('activity');
		await expect.poll(() => archived.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(RECORDS + 1 - 3000);
		const summaries = new Set(archived.toArray().map((record) => record.summary));
		for (const i of [0, 1, 1000, RECORDS - 3001]) expect(summaries.has(`Objet ${i}`)).toBe(true);
		expect(summaries.has(`Objet ${RECORDS - 1}`)).toBe(false);
		const lighterBytes = Y.encodeStateAsUpdate(writer.doc).byteLength;
		console.log(`space document: ${fullBytes} bytes with ${history.length + archived.length} records, ${lighterBytes} bytes once ${archived.length} are archived`);
		expect(lighterBytes).toBeLessThan(fullBytes * 0.65);
		// Alice's device rewrote its own copy without the archived records.
		await expect.poll(() => storedBytes(pageA, `passerelle:${spaceId}`), { timeout: 15_000 }).toBeLessThan(fullBytes * 0.65);
		expect(await storedBytes(pageA, `passerelle:${spaceId}.history`)).toBeGreaterThan(fullBytes * 0.3);
		writer.provider.destroy();
		archive.provider.destroy();
	});

	let deviceC: BrowserContext;
	let pageC: Page;
	const errors: string[] = [];

	it('a device joining never downloads the archive, shows recent history at once and old history once loaded', async () => {
		// C joins now and stays away from the history: it will be offline later.
		deviceC = await newDevice(browser, 'fr-FR');
		pageC = await deviceC.newPage();
		pageC.on('pageerror', (error) => errors.push(error.message));
		await join(pageC, invite, 'Chloé');
		await new AppModel(pageC).waitControlledByServiceWorker();

		const deviceB = await newDevice(browser, 'fr-FR');
		const pageB = await deviceB.newPage();
		pageB.on('pageerror', (error) => errors.push(error.message));
		const { bytes, open } = await countSocketBytes(pageB);
		await join(pageB, invite, 'Bruno');
		await new AppModel(pageB).waitSynced();
		const spaceBytes = bytes.get(spaceId) ?? 0;
		console.log(`a joining device received ${spaceBytes} bytes for the space (the whole history was ${fullBytes} bytes)`);
		expect(spaceBytes).toBeGreaterThan(0);
		// The relay's log still holds the archived records' content under their removal; it folds
		// the room before answering, so the joining device downloads the lighter space…
		expect(spaceBytes).toBeLessThan(fullBytes * 0.65);
		// …keeps it as it came, without the removed content…
		await expect.poll(() => storedBytes(pageB, `passerelle:${spaceId}`), { timeout: 15_000 }).toBeGreaterThan(0);
		expect(await storedBytes(pageB, `passerelle:${spaceId}`)).toBeLessThan(fullBytes * 0.65);
		// …and never downloads the archive itself.
		expect(bytes.has(`${spaceId}.history`)).toBe(false);

		await pageB.getByRole('link', { name: 'Historique' }).click();
		const lines = pageB.locator('li.line');
		await lines.filter({ hasText: `Objet ${RECORDS - 1}` }).waitFor();
		expect(await lines.filter({ hasText: OLDEST }).count()).toBe(0);
		expect(bytes.has(`${spaceId}.history`)).toBe(false);

		// A period the archive covers: it is fetched, and its records show.
		await pageB.getByRole('textbox', { name: 'Du' }).fill(isoDay(FIRST_AT));
		await pageB.getByRole('textbox', { name: 'Au' }).fill(isoDay(FIRST_AT + 24 * HOUR));
		await lines.filter({ hasText: OLDEST }).waitFor({ timeout: 30_000 });
		expect(await lines.filter({ hasText: OLDEST }).count()).toBe(1);
		expect(bytes.get(`${spaceId}.history`) ?? 0).toBeGreaterThan(0);
		await expect.poll(() => pageB.getByTestId('archive-state').count()).toBe(0);

		// The transparency report of the whole history traces the decision's archived lines too.
		await pageB.getByRole('link', { name: 'Transparence' }).click();
		await pageB.getByRole('button', { name: 'Depuis le début' }).click();
		const traced = pageB.locator('li.card li', { hasText: 'Objet' });
		await traced.filter({ hasText: OLDEST }).waitFor({ timeout: 30_000 });
		await expect.poll(() => traced.count()).toBe(Math.ceil(RECORDS / 500));

		// Leaving the page closes the archive's connection.
		expect([...open.values()].sort()).toEqual([spaceId, `${spaceId}.history`]);
		await pageB.getByRole('link', { name: 'Inventaire' }).click();
		await expect.poll(() => [...open.values()]).toEqual([spaceId]);
	});

	it('offline before the archive ever loaded, the history says the old records are not on this device yet', async () => {
		await link.cut();
		await deviceC.setOffline(true);
		await new AppModel(pageC).waitOffline();
		await pageC.getByRole('link', { name: 'Historique' }).click();
		await pageC.locator('li.line').filter({ hasText: `Objet ${RECORDS - 1}` }).waitFor();
		// Offline, the recent history is all there is: the way to older records is still offered,
		// at the end of what the space holds, and says they are not here yet.
		expect(await pageC.getByRole('button', { name: /Afficher l'historique jusqu'au/ }).count()).toBe(0);
		await pageC.getByRole('combobox', { name: 'Sujet' }).selectOption({ label: 'Collectif' });
		await pageC.getByRole('button', { name: /Afficher l'historique jusqu'au/ }).click();
		await pageC.getByTestId('archive-state').filter({ hasText: "n'est pas encore sur cet appareil" }).waitFor({ timeout: 15_000 });
		await pageC.getByRole('combobox', { name: 'Sujet' }).selectOption({ label: 'Tout' });
		await pageC.getByRole('textbox', { name: 'Du' }).fill(isoDay(FIRST_AT));
		await pageC.getByRole('textbox', { name: 'Au' }).fill(isoDay(FIRST_AT + 24 * HOUR));
		await pageC.getByTestId('archive-state').filter({ hasText: "n'est pas encore sur cet appareil" }).waitFor({ timeout: 15_000 });
		expect(await pageC.getByText('Rien dans cette période.').count()).toBe(0);
		expect(await pageC.locator('li.line').count()).toBe(0);
		expect(errors).toEqual([]);
	});
});

/** The bytes of the updates a y-indexeddb database holds. */
function storedBytes(page: Page, name: string): Promise<number> {
	return page.evaluate(
		(database) =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open(database);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const all = open.result.transaction('updates').objectStore('updates').getAll();
					all.onsuccess = () => {
						open.result.close();
						resolve((all.result as Uint8Array[]).reduce((sum, update) => sum + update.byteLength, 0));
					};
				};
			}),
		name
	);
}

async function join(page: Page, invite: string, name: string): Promise<void> {
	await page.goto(invite);
	await page.getByRole('heading', { name: 'Rejoindre « Atelier des Lilas »' }).waitFor();
	await page.getByLabel('Votre nom').fill(name);
	await page.getByRole('button', { name: 'Rejoindre' }).click();
	await page.waitForURL(/\/s\//);
	await new AppModel(page).waitSynced();
}
