import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { runPublication } from './bridge';
import { signRecord } from './identity';
import { publishResource } from './publish';
import { admissionsMap, newFederationId, positionKey, repairCharter, runAdmissions, takePosition, writeCharter, type CharterTerms } from './admission';
import { askToBorrow } from './outbox';
import { receivedRequests, runExchanges } from './requests';
import { copyKey } from './schema';
import { addVan, newCollective, newFederationDoc, type TestCollective } from './testing';
import { verifyFederation } from './verify';
import { federationView } from './views';

async function founded(mode: 'open' | 'decision' = 'decision') {
	const a = await newCollective('Cantine du Panier');
	const { id, nonce } = newFederationId(a.identity.collective);
	const fed = newFederationDoc();
	await writeCharter(fed, a.identity, nonce, mode);
	await runPublication(a.doc, fed, a.identity);
	return { a, fed, id, nonce, terms: { founder: a.identity.collective, nonce, admission: mode } };
}

async function join(fed: Y.Doc, name: string): Promise<TestCollective & { van: string }> {
	const c = await newCollective(name);
	const van = addVan(c, `Camion de ${name}`);
	publishResource(c.doc, van, { fields: ['name'] });
	await runPublication(c.doc, fed, c.identity);
	return { ...c, van };
}

async function view(fed: Y.Doc, id: string, pinned: CharterTerms | null = null) {
	return federationView(fed, await verifyFederation(fed, undefined, undefined, id, pinned));
}

const entry = (v: Awaited<ReturnType<typeof view>>, name: string) => v.directory.find((e) => e.profile.name === name)!;

async function vote(voter: TestCollective, fed: Y.Doc, id: string, candidate: TestCollective, position: 'yes' | 'no') {
	takePosition(voter.doc, id, candidate.identity.collective, position);
	return runAdmissions(voter.doc, fed, id, voter.identity);
}

describe('admission by decision', () => {
	test('a collective that asks is pending, its offers unlisted, until more than half of those admitted say yes', async () => {
		const { a, fed, id } = await founded();
		const b = await join(fed, 'Vélos solidaires');
		let v = await view(fed, id);
		expect(entry(v, 'Cantine du Panier').admission).toEqual({ status: 'admitted' });
		expect(entry(v, 'Vélos solidaires').admission).toEqual({ status: 'pending', yes: 0, no: 0, of: 1 });
		expect(v.listings).toEqual([]);

		expect(await vote(a, fed, id, b, 'yes')).toBe(1);
		expect(await vote(a, fed, id, b, 'yes')).toBe(0);
		v = await view(fed, id);
		expect(entry(v, 'Vélos solidaires').admission).toEqual({ status: 'admitted' });
		expect(v.listings.map((l) => l.key)).toEqual([copyKey(b.identity.collective, 'offer', b.van)]);

		// Two admitted: one yes is not more than half.
		const c = await join(fed, 'Épicerie du coin');
		await vote(b, fed, id, c, 'yes');
		await vote(a, fed, id, c, 'no');
		expect(entry(await view(fed, id), 'Épicerie du coin').admission).toEqual({ status: 'pending', yes: 1, no: 1, of: 2 });
		await vote(a, fed, id, c, 'yes');
		expect(entry(await view(fed, id), 'Épicerie du coin').admission).toEqual({ status: 'admitted' });
	});

	test('an open federation admits every collective whose entry verifies', async () => {
		const { fed, id } = await founded('open');
		await join(fed, 'Vélos solidaires');
		const v = await view(fed, id);
		expect(v.directory.map((e) => e.admission)).toEqual([null, null]);
		expect(v.listings).toHaveLength(1);
	});

	test('a charter written over by another member is not believed by a collective that pinned the genuine one, and the founder writes it back', async () => {
		const { a, fed, id, terms } = await founded();
		const b = await join(fed, 'Vélos solidaires');
		// B writes a charter of its own over A's: the id does not commit to B.
		const forged = newFederationId(b.identity.collective);
		await writeCharter(fed, b.identity, forged.nonce, 'open');
		expect(entry(await view(fed, id, terms), 'Vélos solidaires').admission).toMatchObject({ status: 'pending' });
		// A device that never saw the genuine charter finds none it can believe…
		expect(entry(await view(fed, id), 'Vélos solidaires').admission).toBeNull();
		// …until the founder's device writes it back.
		expect(await repairCharter(fed, id, a.identity, terms)).toBe(true);
		expect(await repairCharter(fed, id, a.identity, terms)).toBe(false);
		expect(entry(await view(fed, id), 'Vélos solidaires').admission).toMatchObject({ status: 'pending' });
	});

	test('a position written in another collective’s name does not count', async () => {
		const { a, fed, id } = await founded();
		const b = await join(fed, 'Vélos solidaires');
		const body = { v: 1, collective: a.identity.collective, candidate: b.identity.collective, position: 'yes' };
		admissionsMap(fed).set(positionKey(a.identity.collective, b.identity.collective), { ...body, sig: await signRecord(b.identity, body) });
		expect(entry(await view(fed, id), 'Vélos solidaires').admission).toMatchObject({ status: 'pending', yes: 0 });
	});

	test('a request from a collective still pending waits; once admitted it becomes a booking', async () => {
		const { a, fed, id } = await founded();
		const van = addVan(a);
		publishResource(a.doc, van, { fields: ['name'] });
		await runPublication(a.doc, fed, a.identity);
		const b = await join(fed, 'Vélos solidaires');
		const asked = askToBorrow(b.doc, { federation: id, copy: copyKey(a.identity.collective, 'offer', van), start: 1_900_000_000_000, end: 1_900_000_360_000 }, b.by);
		expect(asked.ok).toBe(true);
		await runExchanges(b.doc, fed, id, b.identity, b.by);
		expect(await runExchanges(a.doc, fed, id, a.identity, a.by)).toMatchObject({ applied: 0, unverified: 0 });
		expect(receivedRequests(a.doc, id)).toEqual([]);
		await vote(a, fed, id, b, 'yes');
		await runExchanges(a.doc, fed, id, a.identity, a.by);
		expect(receivedRequests(a.doc, id).map((r) => r.borrower)).toEqual(['Vélos solidaires']);
	});
});
