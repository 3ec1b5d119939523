import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { removeResource, restoreResource, updateResource } from '../inventory/resources';
import { closeNeed } from '../needs/needs';
import { syncDocs } from '../space/testing';
import { planPublication, runPublication } from './bridge';
import { signRecord } from './identity';
import { publishNeed, publishResource, unpublishResource } from './publish';
import { keepFederation, leaveFederation, rejoinFederation } from './memberships';
import { copiesMap, copyKey, directoryMap } from './schema';
import { addRiceNeed, addVan, newCollective, newFederationDoc, replica, updatesDuring } from './testing';
import { verifyFederation } from './verify';
import { federationView } from './views';

function federationJSON(doc: Y.Doc) {
	return { directory: directoryMap(doc).toJSON(), copies: copiesMap(doc).toJSON() };
}

describe('bridge: publishing to a federation', () => {
	test('only the fields ticked leave, under a key derived from the collective and the source, and no member id', async () => {
		const a = await newCollective('Cantine du Panier');
		const fed = newFederationDoc();
		const van = addVan(a);
		const rice = addRiceNeed(a);
		expect(publishResource(a.doc, van, { fields: ['name', 'kind', 'area'], area: 'Marseille 3e' })).toEqual({ ok: true, changed: true });
		expect(publishNeed(a.doc, rice, { fields: ['title', 'target'] })).toEqual({ ok: true, changed: true });

		const run = await runPublication(a.doc, fed, a.identity);
		expect(run).toEqual({ written: 3, waitingFor: null, behind: 0 });
		const offer = copiesMap(fed).get(copyKey(a.identity.collective, 'offer', van)) as Record<string, unknown>;
		expect(offer).toMatchObject({ collective: a.identity.collective, type: 'offer', source: van, withdrawn: false, public: { name: 'Camionnette', kind: 'vehicle', area: 'Marseille 3e' } });
		expect(Object.keys(offer.public as object).sort()).toEqual(['area', 'kind', 'name']);
		const need = copiesMap(fed).get(copyKey(a.identity.collective, 'need', rice)) as Record<string, unknown>;
		expect(need.public).toEqual({ title: 'Riz pour la cantine', target: 25, unit: 'kg', kind: 'goods' });

		const everything = JSON.stringify(fed.toJSON());
		expect(everything).not.toContain(a.by);
		expect(everything).not.toContain('rue Longue');
		expect(everything).not.toContain('40 repas');
		expect(directoryMap(fed).get(a.identity.collective)).toMatchObject({ publicKey: a.identity.publicKey, profile: { name: 'Cantine du Panier' } });
	});

	test('a second run writes nothing; a change to a private field writes nothing; a public one rewrites that copy only', async () => {
		const a = await newCollective('Cantine');
		const fed = newFederationDoc();
		const van = addVan(a);
		const bike = addVan(a, 'Vélo cargo');
		publishResource(a.doc, van, { fields: ['name', 'quantity'] });
		publishResource(a.doc, bike, { fields: ['name'] });
		await runPublication(a.doc, fed, a.identity);

		expect(await updatesDuring(fed, () => runPublication(a.doc, fed, a.identity))).toBe(0);
		expect(planPublication(a.doc, fed, a.identity).writes).toEqual([]);

		updateResource(a.doc, van, { location: 'Garage du 14e' }, a.by);
		expect(await updatesDuring(fed, () => runPublication(a.doc, fed, a.identity))).toBe(0);

		const bikeBefore = copiesMap(fed).get(copyKey(a.identity.collective, 'offer', bike));
		updateResource(a.doc, van, { quantity: 2 }, a.by);
		expect((await runPublication(a.doc, fed, a.identity)).written).toBe(1);
		expect(copiesMap(fed).get(copyKey(a.identity.collective, 'offer', van))).toMatchObject({ public: { name: 'Camionnette', quantity: 2, unit: 'véhicule' } });
		expect(copiesMap(fed).get(copyKey(a.identity.collective, 'offer', bike))).toBe(bikeBefore);
	});

	test('unpublished, removed or closed sources are withdrawn, not deleted, and come back when restored', async () => {
		const a = await newCollective('Cantine');
		const fed = newFederationDoc();
		const van = addVan(a);
		const bike = addVan(a, 'Vélo cargo');
		const rice = addRiceNeed(a);
		publishResource(a.doc, van, { fields: ['name'] });
		publishResource(a.doc, bike, { fields: ['name'] });
		publishNeed(a.doc, rice, { fields: ['title'] });
		await runPublication(a.doc, fed, a.identity);

		unpublishResource(a.doc, van);
		removeResource(a.doc, bike, a.by);
		closeNeed(a.doc, rice, a.by);
		expect((await runPublication(a.doc, fed, a.identity)).written).toBe(3);
		for (const key of [copyKey(a.identity.collective, 'offer', van), copyKey(a.identity.collective, 'offer', bike), copyKey(a.identity.collective, 'need', rice)]) {
			expect(copiesMap(fed).get(key)).toMatchObject({ withdrawn: true, public: null });
		}
		expect(JSON.stringify(fed.toJSON())).not.toContain('Camionnette');
		const view = federationView(fed, await verifyFederation(fed));
		expect(view.listings).toEqual([]);
		expect(await updatesDuring(fed, () => runPublication(a.doc, fed, a.identity))).toBe(0);

		restoreResource(a.doc, bike, a.by);
		expect((await runPublication(a.doc, fed, a.identity)).written).toBe(1);
		expect(copiesMap(fed).get(copyKey(a.identity.collective, 'offer', bike))).toMatchObject({ withdrawn: false, public: { name: 'Vélo cargo' } });
	});

	test('nothing leaves before the collective has a profile', async () => {
		const a = await newCollective('Cantine');
		a.doc.getMap('publications').delete('profile');
		const fed = newFederationDoc();
		publishResource(a.doc, addVan(a), { fields: ['name'] });
		expect(await runPublication(a.doc, fed, a.identity)).toEqual({ written: 0, waitingFor: 'profile', behind: 0 });
		expect(copiesMap(fed).size).toBe(0);
	});

	test('two devices running the bridge offline write one record per item, the same bytes; after sync neither writes again', async () => {
		const a = await newCollective('Cantine');
		const van = addVan(a);
		const rice = addRiceNeed(a);
		publishResource(a.doc, van, { fields: ['name', 'kind', 'quantity'] });
		publishNeed(a.doc, rice, { fields: ['title', 'target', 'deadline'] });
		const phone = replica(a.doc);
		const fed = newFederationDoc();
		const fedOnPhone = replica(fed);

		expect((await runPublication(a.doc, fed, a.identity)).written).toBe(3);
		expect((await runPublication(phone, fedOnPhone, a.identity)).written).toBe(3);
		syncDocs(fed, fedOnPhone);
		expect(copiesMap(fed).size).toBe(2);
		expect(directoryMap(fed).size).toBe(1);
		expect(federationJSON(fed)).toEqual(federationJSON(fedOnPhone));
		expect(await updatesDuring(fed, () => runPublication(a.doc, fed, a.identity))).toBe(0);
		expect(await updatesDuring(fedOnPhone, () => runPublication(phone, fedOnPhone, a.identity))).toBe(0);
	});

	test('a device that has not seen the source a copy was made from leaves the copy alone', async () => {
		const a = await newCollective('Cantine');
		const van = addVan(a);
		publishResource(a.doc, van, { fields: ['name', 'quantity'] });
		const stalePhone = replica(a.doc);
		updateResource(a.doc, van, { quantity: 3 }, a.by);
		const fed = newFederationDoc();
		await runPublication(a.doc, fed, a.identity);
		const fresh = copiesMap(fed).get(copyKey(a.identity.collective, 'offer', van));

		// The stale phone holds the federation's fresher copy but an older inventory.
		const fedOnPhone = replica(fed);
		const plan = planPublication(stalePhone, fedOnPhone, a.identity);
		expect(plan.writes).toEqual([]);
		expect(plan.behind).toBe(1);
		expect(await updatesDuring(fedOnPhone, () => runPublication(stalePhone, fedOnPhone, a.identity))).toBe(0);
		expect(copiesMap(fedOnPhone).get(copyKey(a.identity.collective, 'offer', van))).toEqual(fresh);

		// Once it has caught up, it agrees and still writes nothing.
		syncDocs(a.doc, stalePhone);
		expect(await updatesDuring(fedOnPhone, () => runPublication(stalePhone, fedOnPhone, a.identity))).toBe(0);
	});

	test('a stale copy written concurrently is replaced by the next run of a device that has both', async () => {
		const a = await newCollective('Cantine');
		const van = addVan(a);
		publishResource(a.doc, van, { fields: ['name', 'quantity'] });
		const stalePhone = replica(a.doc);
		updateResource(a.doc, van, { quantity: 3 }, a.by);
		const fed = newFederationDoc();
		const fedOnPhone = replica(fed);
		await runPublication(a.doc, fed, a.identity);
		await runPublication(stalePhone, fedOnPhone, a.identity);
		syncDocs(fed, fedOnPhone);
		syncDocs(a.doc, stalePhone);
		await runPublication(stalePhone, fedOnPhone, a.identity);
		syncDocs(fed, fedOnPhone);
		expect(copiesMap(fed).get(copyKey(a.identity.collective, 'offer', van))).toMatchObject({ public: { quantity: 3 } });
		expect(federationJSON(fed)).toEqual(federationJSON(fedOnPhone));
	});

	test('a record under this collective\'s key signed by another is replaced; one signed by the wrong collective reads as unverified and is counted', async () => {
		const a = await newCollective('Cantine');
		const b = await newCollective('Banque alimentaire');
		const fed = newFederationDoc();
		const van = addVan(a);
		publishResource(a.doc, van, { fields: ['name'] });
		await runPublication(a.doc, fed, a.identity);
		await runPublication(b.doc, fed, b.identity);

		// B forges a copy under A's collective, signed with B's key.
		const key = copyKey(a.identity.collective, 'offer', 'forgedsourceid0000000');
		const body = { v: 1, collective: a.identity.collective, type: 'offer', source: 'forgedsourceid0000000', rev: [], hash: 'x'.repeat(43), withdrawn: false, public: { name: 'Camion gratuit' } };
		copiesMap(fed).set(key, { ...body, sig: await signRecord(b.identity, body) });
		// And tampers with A's van: same signature, another name.
		const vanKey = copyKey(a.identity.collective, 'offer', van);
		const genuine = copiesMap(fed).get(vanKey) as Record<string, unknown>;
		const tamperedFed = replica(fed);
		copiesMap(tamperedFed).set(vanKey, { ...genuine, public: { name: 'Camionnette volée' } });

		const view = federationView(fed, await verifyFederation(fed));
		expect(view.unverified).toBe(1);
		const forged = view.listings.find((listing) => listing.key === key);
		expect(forged).toMatchObject({ verified: false, collectiveName: 'Cantine' });
		expect(view.listings.find((listing) => listing.key === vanKey)).toMatchObject({ verified: true, collectiveName: 'Cantine' });
		expect(view.directory.map((entry) => [entry.profile.name, entry.verified])).toEqual([
			['Banque alimentaire', true],
			['Cantine', true]
		]);

		const tampered = federationView(tamperedFed, await verifyFederation(tamperedFed));
		expect(tampered.listings.find((listing) => listing.key === vanKey)).toMatchObject({ verified: false });
		expect(tampered.unverified).toBe(2);
		// A's next run puts its signed copy back.
		expect((await runPublication(a.doc, tamperedFed, a.identity)).written).toBe(1);
		expect(copiesMap(tamperedFed).get(vanKey)).toEqual(genuine);

		// A profile claiming A's id with B's key does not verify either.
		const profile = directoryMap(fed).get(b.identity.collective) as Record<string, unknown>;
		const impostor = replica(fed);
		const { sig: _, ...rest } = profile;
		const profileBody = { ...rest, collective: a.identity.collective };
		directoryMap(impostor).set(a.identity.collective, { ...profileBody, sig: await signRecord(b.identity, profileBody) });
		const impostorView = federationView(impostor, await verifyFederation(impostor));
		expect(impostorView.directory.find((entry) => entry.collective === a.identity.collective)?.verified).toBe(false);
		expect(impostorView.listings.every((listing) => listing.collective !== a.identity.collective || !listing.verified)).toBe(true);
	});

	test('garbage under the federation\'s maps is counted unreadable and breaks nothing', async () => {
		const a = await newCollective('Cantine');
		const fed = newFederationDoc();
		publishResource(a.doc, addVan(a), { fields: ['name'] });
		await runPublication(a.doc, fed, a.identity);
		// A genuine record replayed under another key of the same collective.
		const [genuineKey, genuine] = [...copiesMap(fed).entries()][0]!;
		copiesMap(fed).set(`${genuineKey.slice(0, genuineKey.lastIndexOf('.'))}.replayedsource000000`, genuine);
		copiesMap(fed).set('junk', 42);
		copiesMap(fed).set(`${a.identity.collective}.offer.x`, { v: 99 });
		directoryMap(fed).set('nobody', new Y.Map());
		const view = federationView(fed, await verifyFederation(fed));
		expect(view.unreadable).toBe(4);
		expect(view.listings).toHaveLength(1);
		expect((await verifyFederation(fed)).copies.size).toBe(1);
	});
});

describe('bridge: leaving a federation', () => {
	test('withdraws every copy and says so in the directory, signed; coming back publishes again', async () => {
		const a = await newCollective('Cantine');
		const fed = newFederationDoc();
		const van = addVan(a);
		const rice = addRiceNeed(a);
		publishResource(a.doc, van, { fields: ['name'] });
		publishNeed(a.doc, rice, { fields: ['title'] });
		keepFederation(a.doc, { id: 'federation-space-0001', name: 'Réseau', relayUrl: 'wss://relay.example.org/sync', readSecret: 'r'.repeat(43) });
		await runPublication(a.doc, fed, a.identity, undefined, { federationId: 'federation-space-0001' });
		expect(federationView(fed, await verifyFederation(fed)).listings).toHaveLength(2);

		expect(leaveFederation(a.doc, 'federation-space-0001')).toEqual({ ok: true });
		expect(leaveFederation(a.doc, 'federation-space-0001')).toEqual({ ok: false, reason: 'already_left' });
		const leaving = { left: true, federationId: 'federation-space-0001' };
		expect((await runPublication(a.doc, fed, a.identity, undefined, leaving)).written).toBe(3);
		const view = federationView(fed, await verifyFederation(fed));
		expect(view.listings).toEqual([]);
		expect(view.directory).toMatchObject([{ profile: { name: 'Cantine' }, verified: true, left: true }]);
		expect(view.unverified).toBe(0);
		expect(await updatesDuring(fed, () => runPublication(a.doc, fed, a.identity, undefined, leaving))).toBe(0);
		expect(planPublication(a.doc, fed, a.identity, leaving).writes).toEqual([]);

		expect(rejoinFederation(a.doc, 'federation-space-0001')).toEqual({ ok: true });
		await runPublication(a.doc, fed, a.identity, undefined, { federationId: 'federation-space-0001' });
		const back = federationView(fed, await verifyFederation(fed));
		expect(back.listings).toHaveLength(2);
		expect(back.directory).toMatchObject([{ left: false }]);
	});
});
