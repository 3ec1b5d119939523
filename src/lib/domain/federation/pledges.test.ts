import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addNeed } from '../needs/needs';
import { deliverPledge, getPledge, listPledges } from '../needs/pledges';
import { listEntries } from '../money/ledger';
import { fund } from '../money/testing';
import { created, syncDocs } from '../space/testing';
import { transparencyReport } from '../reports/transparency';
import { runPublication } from './bridge';
import { signRecord } from './identity';
import { publishNeed } from './publish';
import { federationPledgesMap, pledgeIdFor, pledgesOutView, runPledges } from './pledges';
import { markPledgeSent, pledgeKey, pledgeToCollective, readPledgesOut, withdrawPledgeOut } from './pledges-out';
import { unconfirmedDeliveries } from './deliveries';
import { responseKey, responsesMap } from './exchange';
import { copyKey } from './schema';
import { readAlerts } from './alerts';
import { newCollective, newFederationDoc, replica, updatesDuring, type TestCollective } from './testing';

const FEDERATION = 'federation-space-0001';
const NOW = Date.UTC(2026, 2, 10, 12);
const DAY = 86_400_000;

async function rentNeed() {
	const a = await newCollective('Cantine du Panier');
	const b = await newCollective('Vélos solidaires');
	const fed = newFederationDoc();
	const rent = created(addNeed(a.doc, { kind: 'money', title: 'Loyer du local', unit: 'EUR', target: 60000 }, a.by, NOW - 30 * DAY));
	publishNeed(a.doc, rent, { fields: ['title', 'target'] });
	await runPublication(a.doc, fed, a.identity);
	await runPublication(b.doc, fed, b.identity);
	return { a, b, fed, rent, copy: copyKey(a.identity.collective, 'need', rent) };
}

function pledge(b: TestCollective, copy: string, amount = 15000, extra: { condition?: { threshold: number; by: string } | null } = {}) {
	const made = pledgeToCollective(b.doc, { federation: FEDERATION, copy, title: 'Loyer du local', ownerName: 'Cantine du Panier', kind: 'money', unit: 'EUR', amount, note: 'Pour mars', ...extra }, b.by, NOW);
	if (!made.ok) throw new Error(made.reason);
	return made.id;
}

const run = (c: TestCollective, fed: Y.Doc, now = NOW) => runPledges(c.doc, fed, FEDERATION, c.identity, c.by, undefined, now);
const state = (b: TestCollective, fed: Y.Doc) => pledgesOutView(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state;

describe('pledges between collectives', () => {
	test('money pledged, sent and confirmed writes an out entry in the giver and an in entry in the receiver with one reference', async () => {
		const { a, b, fed, rent, copy } = await rentNeed();
		const id = pledge(b, copy);
		expect(state(b, fed)).toBe('waiting_delegate');
		expect((await run(b, fed)).written).toBe(1);
		const key = pledgeKey(b.identity.collective, id);
		expect(JSON.stringify(fed.toJSON())).not.toContain(b.by);
		expect(state(b, fed)).toBe('waiting_answer');

		expect(await run(a, fed)).toMatchObject({ applied: 1, written: 1, unverified: 0 });
		const received = getPledge(a.doc, pledgeIdFor(key))!;
		expect(received).toMatchObject({ needId: rent, memberId: null, supporterName: 'Vélos solidaires', amount: 15000, federation: { space: FEDERATION, collective: b.identity.collective, pledge: key } });
		await run(b, fed);
		expect(state(b, fed)).toBe('received');

		// B sends the money from its bank account.
		const bBank = fund(b.doc, b.by, { name: 'Banque' });
		expect(markPledgeSent(b.doc, id, { fundId: null }, b.identity.collective, b.by, NOW)).toEqual({ ok: false, reason: 'fund_required' });
		const sent = markPledgeSent(b.doc, id, { fundId: bBank }, b.identity.collective, b.by, NOW);
		expect(sent.ok).toBe(true);
		expect(markPledgeSent(b.doc, id, { fundId: bBank }, b.identity.collective, b.by, NOW)).toEqual({ ok: false, reason: 'already_sent' });
		const out = listEntries(b.doc).items;
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ direction: 'out', amount: 15000, category: 'donation', counterparty: { kind: 'outside', name: 'Cantine du Panier' }, reference: key });
		expect(state(b, fed)).toBe('sent');

		await run(b, fed);
		await run(a, fed);
		expect(getPledge(a.doc, pledgeIdFor(key))?.federationSentOn).toBe('2026-03-10');
		// A confirms receipt into its own fund: the in entry carries the same reference.
		const aCash = fund(a.doc, a.by, { name: 'Caisse' });
		expect(deliverPledge(a.doc, pledgeIdFor(key), { fundId: aCash }, a.by, NOW + DAY).ok).toBe(true);
		const into = listEntries(a.doc).items;
		expect(into).toHaveLength(1);
		expect(into[0]).toMatchObject({ direction: 'in', amount: 15000, counterparty: { kind: 'outside', name: 'Vélos solidaires' }, reference: key, needId: rent });
		await run(a, fed, NOW + DAY);
		await run(b, fed, NOW + DAY);
		expect(state(b, fed)).toBe('delivered');
		expect(responsesMap(fed).get(responseKey(a.identity.collective, key))).toMatchObject({ state: 'delivered' });

		// Each transparency report names the other collective beside the flow.
		const inA = transparencyReport(a.doc, '2026-03-01', '2026-03-31').betweenCollectives;
		const inB = transparencyReport(b.doc, '2026-03-01', '2026-03-31').betweenCollectives;
		expect(inA.map((e) => [e.direction, e.amount, e.counterparty?.kind === 'outside' && e.counterparty.name, e.reference])).toEqual([['in', 15000, 'Vélos solidaires', key]]);
		expect(inB.map((e) => [e.direction, e.amount, e.counterparty?.kind === 'outside' && e.counterparty.name, e.reference])).toEqual([['out', 15000, 'Cantine du Panier', key]]);

		// Nothing new: a second run writes nothing anywhere.
		for (const c of [a, b]) {
			expect(await updatesDuring(fed, () => run(c, fed, NOW + DAY))).toBe(0);
			expect(await updatesDuring(c.doc, () => run(c, fed, NOW + DAY))).toBe(0);
		}
	});

	test('two of the receiver’s devices carrying the same pledge offline make one pledge', async () => {
		const { a, b, fed, copy } = await rentNeed();
		pledge(b, copy);
		await run(b, fed);
		const a2 = { ...a, doc: replica(a.doc) };
		const fed2 = replica(fed);
		await run(a, fed);
		await run(a2, fed2);
		syncDocs(a.doc, a2.doc);
		syncDocs(fed, fed2);
		expect(listPledges(a.doc).items.filter((p) => p.federation)).toHaveLength(1);
		expect(responsesMap(fed).toJSON()).toEqual(responsesMap(fed2).toJSON());
	});

	test('a withdrawal by the giver withdraws the pledge in the receiver; a sent pledge cannot be withdrawn', async () => {
		const { a, b, fed, copy } = await rentNeed();
		const id = pledge(b, copy);
		await run(b, fed);
		await run(a, fed);
		expect(withdrawPledgeOut(b.doc, id, b.by)).toEqual({ ok: true });
		expect(withdrawPledgeOut(b.doc, id, b.by)).toEqual({ ok: false, reason: 'already_withdrawn' });
		await run(b, fed);
		await run(a, fed);
		expect(getPledge(a.doc, pledgeIdFor(pledgeKey(b.identity.collective, id)))?.withdrawnOn).not.toBeNull();
		await run(b, fed);
		expect(state(b, fed)).toBe('withdrawn');

		const other = pledge(b, copy, 2000);
		const bank = fund(b.doc, b.by);
		expect(markPledgeSent(b.doc, other, { fundId: bank }, b.identity.collective, b.by, NOW).ok).toBe(true);
		expect(withdrawPledgeOut(b.doc, other, b.by)).toEqual({ ok: false, reason: 'already_sent' });
	});

	test('a conditional pledge keeps its condition in the receiver', async () => {
		const { a, b, fed, copy } = await rentNeed();
		const id = pledge(b, copy, 5000, { condition: { threshold: 40000, by: '2026-04-30' } });
		await run(b, fed);
		await run(a, fed);
		expect(getPledge(a.doc, pledgeIdFor(pledgeKey(b.identity.collective, id)))).toMatchObject({ conditionThreshold: 40000, conditionBy: '2026-04-30' });
	});

	test('a sent pledge unconfirmed after 14 days is shown on both sides', async () => {
		const { a, b, fed, copy } = await rentNeed();
		const id = pledge(b, copy);
		await run(b, fed);
		await run(a, fed);
		markPledgeSent(b.doc, id, { fundId: fund(b.doc, b.by) }, b.identity.collective, b.by, NOW);
		await run(b, fed);
		await run(a, fed);
		expect(unconfirmedDeliveries(b.doc, '2026-03-23')).toEqual([]);
		expect(unconfirmedDeliveries(a.doc, '2026-03-23')).toEqual([]);
		expect(unconfirmedDeliveries(b.doc, '2026-03-24')).toMatchObject([{ side: 'sent', name: 'Cantine du Panier', amount: 15000, sentOn: '2026-03-10' }]);
		expect(unconfirmedDeliveries(a.doc, '2026-03-24')).toMatchObject([{ side: 'received', name: 'Vélos solidaires', amount: 15000, sentOn: '2026-03-10' }]);
		deliverPledge(a.doc, pledgeIdFor(pledgeKey(b.identity.collective, id)), {}, a.by, NOW + 14 * DAY);
		expect(unconfirmedDeliveries(a.doc, '2026-03-24')).toEqual([]);
		await run(a, fed, NOW + 14 * DAY);
		await run(b, fed, NOW + 14 * DAY);
		expect(unconfirmedDeliveries(b.doc, '2026-03-24')).toEqual([]);
	});

	test('a forged pledge changes nothing but a note that one was seen, and is counted; a pledge to a missing need is declined', async () => {
		const { a, b, fed, copy } = await rentNeed();
		const c = await newCollective('Imposteurs');
		await runPublication(c.doc, fed, c.identity);
		const body = { v: 1, collective: b.identity.collective, id: 'forgedpledge00001', copy, kind: 'money', unit: 'EUR', amount: 99999, note: '', condition: null, withdrawn: false, sentOn: null };
		federationPledgesMap(fed).set(pledgeKey(b.identity.collective, 'forgedpledge00001'), { ...body, sig: await signRecord(c.identity, body) });
		expect(await run(a, fed)).toMatchObject({ unverified: 1 });
		expect(listPledges(a.doc).items).toEqual([]);
		expect(readAlerts(a.doc).map((alert) => alert.record)).toEqual([pledgeKey(b.identity.collective, 'forgedpledge00001')]);

		const missing = copyKey(a.identity.collective, 'need', 'needthatisnothere01');
		pledge(b, missing);
		await run(b, fed);
		await run(a, fed);
		await run(b, fed);
		expect(readPledgesOut(b.doc).items.map((p) => p.answer)).toEqual(['declined']);
		expect(pledgeToCollective(b.doc, { federation: FEDERATION, copy, ownerName: 'A', kind: 'money', unit: 'EUR', amount: 12.5 }, b.by)).toMatchObject({ ok: false, field: 'amount' });
		expect(pledgeToCollective(b.doc, { federation: FEDERATION, copy: 'nope', ownerName: 'A', kind: 'money', unit: 'EUR', amount: 12 }, b.by)).toMatchObject({ ok: false, field: 'copy' });
	});
});
