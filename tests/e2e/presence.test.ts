/**
 * Who is online, as the app shows it when many devices are present: one name per member,
 * the name the member list holds (not the one a device announces), no unknown members,
 * and a long list named in part and counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { MemberId } from '../../src/lib/domain/core';
import { joinSpace } from '../../src/lib/domain/space';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';
import { launchBrowser, newDevice } from '../support/browser';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';

const MEMBERS = 25;
const memberId = (n: number): MemberId => `member-${String(n).padStart(2, '0')}-0000000000000` as MemberId;
const memberName = (n: number): string => `Membre ${String(n).padStart(2, '0')}`;

describe('presence of a large assembly', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let page: Page;
	const providers: WebsocketProvider[] = [];

	beforeAll(async () => {
		// Each stock provider listens for the process's exit: one per device here.
		process.setMaxListeners(64);
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		page = await (await newDevice(browser, 'fr-FR')).newPage();
	});

	afterAll(async () => {
		for (const provider of providers) provider.destroy();
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('names twenty members from the member list, counts the others, and ignores strangers and forged names', async () => {
		const app = new AppModel(page);
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		await app.createCollective('Assemblée');
		const parsed = parseInvite(await app.inviteLink());
		if (!parsed.ok) throw new Error('invite did not parse');
		const { spaceId, secret } = parsed.invite;
		const token = await deriveRelayToken(secret, spaceId);
		const connect = (doc: Y.Doc): WebsocketProvider => {
			const provider = new WebsocketProvider(`ws://127.0.0.1:${relay.port}/sync`, spaceId, doc, {
				params: { token },
				WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
				disableBc: true
			});
			providers.push(provider);
			return provider;
		};

		// The members join the document, as they would from their own phones.
		const writerDoc = new Y.Doc();
		const writer = connect(writerDoc);
		await new Promise<void>((done) => writer.once('sync', () => done()));
		for (let n = 1; n <= MEMBERS; n++) joinSpace(writerDoc, memberId(n), memberName(n));

		// Their devices announce themselves, each under a name of its own choosing; member 1
		// is here on two phones; a stranger names a member the list does not know.
		const announce = (state: Record<string, unknown>): void => {
			const provider = connect(new Y.Doc());
			provider.awareness.setLocalState(state);
		};
		for (let n = 1; n <= MEMBERS; n++) announce({ member: { id: memberId(n), name: 'Faux nom' } });
		announce({ member: { id: memberId(1), name: 'Faux nom' } });
		announce({ member: { id: 'stranger-00000000000000', name: 'Fantôme' } });

		const firstTwenty = Array.from({ length: 20 }, (_, i) => memberName(i + 1)).join(', ');
		await expect
			.poll(() => app.syncStatus().textContent())
			.toContain(`En ligne : ${firstTwenty} et 5 autres personnes`);
		const status = (await app.syncStatus().textContent()) ?? '';
		expect(status).not.toContain('Faux nom');
		expect(status).not.toContain('Fantôme');
		expect(status).not.toContain('Membre 21');

		// The member list marks all 25 as online, once each.
		await expect.poll(() => page.locator('.member[data-online="true"]').count()).toBe(MEMBERS);
	});
});
