/**
 * The same van promised to two collectives on two phones of its owner, each cut
 * off from the relay: two other collectives ask for the same Saturday through
 * their federation, each of the owner's phones confirms one request while apart,
 * and once both reconnect the owner's collective shows one double booking, on
 * both phones, as it would for two of its own members.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { newId, randomToken, type MemberId, type SpaceId } from '../../src/lib/domain/core';
import { askToBorrow, copiesMap, createFederation, requestsMap, responsesMap, runExchanges, runPublication } from '../../src/lib/domain/federation';
import { newCollective, type TestCollective } from '../../src/lib/domain/federation/testing';
import { inviteUrl, parseInvite } from '../../src/lib/sync/invite';
import { relayParams } from '../../src/lib/sync/keys';
import { CREDENTIAL_PREFIX, SYNC_PROTOCOL } from '../../sync-server/src/protocol/wire';
import type { AppModel } from './app-model';
import { TwoPhones } from './two-phones';

const SATURDAY = Date.UTC(2031, 4, 17, 8);
const HOUR = 3_600_000;

describe('a van promised to two collectives on two offline phones of its owner', () => {
	let phones: TwoPhones;
	let a: AppModel;
	let b: AppModel;
	let fedProvider: WebsocketProvider | null = null;
	const fedId = randomToken(16) as SpaceId;
	const fedDoc = new Y.Doc();

	beforeAll(async () => {
		phones = await TwoPhones.open();
		({ a, b } = phones);
	});

	afterAll(async () => {
		fedProvider?.destroy();
		await phones?.close();
	});

	it('shows one double booking on both phones once they meet again', async () => {
		const { links } = phones;
		await a.page.goto(`${links[0]!.origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Garage solidaire');
		await a.addResource({ kind: 'Véhicule', name: 'Camionnette', quantity: '1', unit: 'véhicule' });
		await a.waitSynced();
		const own = parseInvite(await a.inviteLink());
		if (!own.ok) throw new Error('invite did not parse');

		// The federation, set up by its coordinator's device in Node, straight on the relay.
		const fedSecret = randomToken(32);
		createFederation(fedDoc, { name: 'Réseau des quartiers' }, newId<'member'>() as MemberId);
		const params = await relayParams(fedSecret, fedId, 'member');
		const relayUrl = own.invite.relayUrl.replace(String(links[0]!.port), String(phones.relayPort));
		fedProvider = new WebsocketProvider(relayUrl, fedId, fedDoc, {
			protocols: [SYNC_PROTOCOL, CREDENTIAL_PREFIX.token + params.token, CREDENTIAL_PREFIX.readToken + (params.readToken ?? '')],
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		await new Promise<void>((done) => fedProvider!.once('sync', () => done()));
		const federationInvite = inviteUrl(links[0]!.origin, { spaceId: fedId, secret: fedSecret, access: 'member', relayUrl: own.invite.relayUrl, name: 'Réseau des quartiers' });

		// Alice's phone is the collective's delegate, and publishes the van.
		await a.page.getByRole('link', { name: 'Fédérations' }).click();
		await a.page.getByLabel("Lien d'invitation de la fédération").fill(federationInvite);
		await a.page.getByRole('button', { name: 'Lire cette fédération' }).click();
		await a.page.getByTestId('federation-delegate').waitFor();
		await a.page.getByLabel('Nom affiché').fill('Garage solidaire');
		await a.page.getByRole('button', { name: 'Enregistrer le profil' }).click();
		await a.page.getByText('Profil enregistré.').waitFor();
		const form = a.page.getByRole('form', { name: 'Ressource à prêter' });
		await form.getByLabel('Ressource à prêter').selectOption({ label: 'Camionnette' });
		await form.getByRole('button', { name: 'Publier' }).click();
		await expect.poll(() => copiesMap(fedDoc).size, { timeout: 20_000 }).toBe(1);
		const offer = [...copiesMap(fedDoc).keys()][0]!;

		// Two other collectives, whose delegates' devices run in Node, ask for the same Saturday.
		const askers: TestCollective[] = [await newCollective('Cantine du Panier'), await newCollective('Vélos solidaires')];
		for (const [n, asker] of askers.entries()) {
			await runPublication(asker.doc, fedDoc, asker.identity);
			const start = SATURDAY + n * 2 * HOUR;
			const asked = askToBorrow(asker.doc, { federation: fedId, copy: offer, title: 'Camionnette', start, end: start + 8 * HOUR }, asker.by);
			if (!asked.ok) throw new Error(asked.reason);
			expect((await runExchanges(asker.doc, fedDoc, fedId, asker.identity, asker.by)).written).toBe(1);
		}
		expect(requestsMap(fedDoc).size).toBe(2);

		// Bachir's phone joins the collective; both phones hold both requested bookings.
		const invite = (await a.inviteLink()).replaceAll(String(links[0]!.port), String(links[1]!.port));
		await b.page.goto(invite);
		await b.page.getByLabel('Votre nom').fill('Bachir');
		await b.page.getByRole('button', { name: 'Rejoindre' }).click();
		await b.page.waitForURL(/\/s\//);
		for (const app of [a, b]) {
			await app.waitSynced();
			await app.waitControlledByServiceWorker();
			await app.page.getByRole('link', { name: 'Réservations' }).click();
			await expect.poll(() => app.page.locator('.booking[data-status="requested"]').count(), { timeout: 30_000 }).toBe(2);
		}

		// Apart, each phone says yes to a different collective.
		await phones.cutOff(0);
		await phones.cutOff(1);
		await a.waitOffline();
		await b.waitOffline();
		for (const [app, name] of [[a, 'Cantine du Panier'], [b, 'Vélos solidaires']] as const) {
			const booking = app.page.locator('article.booking').filter({ hasText: `Pour ${name}` });
			await booking.getByRole('button', { name: 'Confirmer', exact: true }).click();
			await booking.getByText('Confirmée').waitFor();
			await app.page.getByRole('link', { name: 'Conflits', exact: true }).click();
			await app.page.getByTestId('no-conflicts').waitFor();
		}

		await phones.reconnect(0);
		await phones.reconnect(1);
		for (const app of [a, b]) {
			await app.waitSynced();
			await app.page.getByRole('link', { name: 'Conflits (1)' }).waitFor({ timeout: 30_000 });
			const conflict = app.page.locator('.conflict[data-kind="booking_overlap"]');
			await conflict.waitFor();
			await expect.poll(() => conflict.locator('.booking[data-status="confirmed"]').count()).toBe(2);
			await conflict.getByText('Pour Cantine du Panier').waitFor();
			await conflict.getByText('Pour Vélos solidaires').waitFor();
		}
		// The delegate's phone answers both: each collective reads its request as accepted until the owner settles it.
		await expect
			.poll(() => [...responsesMap(fedDoc).values()].map((response) => (response as { state: string }).state).sort(), { timeout: 30_000 })
			.toEqual(['accepted', 'accepted']);
	});
});
