import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { cancelBooking, confirmBooking, getBooking } from '../bookings/bookings';
import { markReturned } from '../bookings/returns';
import { overlappingBookings } from '../bookings/conflicts';
import { removeResource } from '../inventory/resources';
import { syncDocs } from '../space/testing';
import { runPublication } from './bridge';
import { signRecord } from './identity';
import { publishResource } from './publish';
import {
	askToBorrow,
	cancelAsk,
	giveBack,
	outboxMap,
	readOutbox
} from './outbox';
import {
	bookingIdFor,
	receivedRequests,
	requestKey,
	requestsMap,
	runExchanges,
	sentRequests
} from './requests';
import { responseKey, responsesMap } from './exchange';
import { copyKey } from './schema';
import { readAlerts } from './alerts';
import { bookingsMap } from '../core/schema';
import { addVan, newCollective, newFederationDoc, replica, updatesDuring, type TestCollective } from './testing';

const FEDERATION = 'federation-space-0001';
const SATURDAY = Date.UTC(2026, 11, 12, 8);
const HOUR = 3_600_000;

/** A, owning a published van, and B, both in the directory of one federation. */
async function twoCollectives() {
	const a = await newCollective('Cantine du Panier');
	const b = await newCollective('Vélos solidaires');
	const fed = newFederationDoc();
	const van = addVan(a);
	publishResource(a.doc, van, { fields: ['name', 'kind'] });
	await runPublication(a.doc, fed, a.identity);
	await runPublication(b.doc, fed, b.identity);
	const offer = copyKey(a.identity.collective, 'offer', van);
	return { a, b, fed, van, offer };
}

function ask(c: TestCollective, offer: string, start = SATURDAY, hours = 8) {
	const result = askToBorrow(c.doc, { federation: FEDERATION, copy: offer, title: 'Camionnette', start, end: start + hours * HOUR, note: 'Pour le déménagement' }, c.by, 1_700_000_100_000);
	if (!result.ok) throw new Error(result.reason);
	return result.id;
}

const run = (c: TestCollective, fed: Y.Doc) => runExchanges(c.doc, fed, FEDERATION, c.identity, c.by, undefined, 1_700_000_200_000);

describe('requests between collectives', () => {
	test('a request crosses through delegates, becomes a requested booking in the owner, and its answer comes back', async () => {
		const { a, b, fed, van, offer } = await twoCollectives();
		const id = ask(b, offer);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective).map((r) => r.state)).toEqual(['waiting_delegate']);

		expect((await run(b, fed)).written).toBe(1);
		const key = requestKey(b.identity.collective, id);
		expect(requestsMap(fed).get(key)).toMatchObject({ collective: b.identity.collective, copy: offer, cancelled: false, start: SATURDAY });
		// No member id and nothing of the outbox beyond the request leaves the collective.
		expect(JSON.stringify(fed.toJSON())).not.toContain(b.by);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('waiting_answer');

		const first = await run(a, fed);
		expect(first).toMatchObject({ applied: 1, written: 1, unverified: 0 });
		const booking = getBooking(a.doc, bookingIdFor(key))!;
		expect(booking).toMatchObject({ resourceId: van, status: 'requested', start: SATURDAY, end: SATURDAY + 8 * HOUR, note: 'Pour le déménagement' });
		expect(booking.to).toMatchObject({ kind: 'collective', name: 'Vélos solidaires', federation: { space: FEDERATION, collective: b.identity.collective, request: key } });
		expect(receivedRequests(a.doc, FEDERATION).map((r) => r.borrower)).toEqual(['Vélos solidaires']);
		expect(responsesMap(fed).get(responseKey(a.identity.collective, key))).toMatchObject({ state: 'received' });

		await run(b, fed);
		expect(readOutbox(b.doc).items[0]!.answer).toBe('received');
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('waiting_answer');

		expect(confirmBooking(a.doc, bookingIdFor(key), a.by).ok).toBe(true);
		await run(a, fed);
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('accepted');

		// Nothing new: a second run on either side writes nothing anywhere.
		expect(await updatesDuring(fed, () => run(a, fed))).toBe(0);
		expect(await updatesDuring(fed, () => run(b, fed))).toBe(0);
		expect(await updatesDuring(a.doc, () => run(a, fed))).toBe(0);
		expect(await updatesDuring(b.doc, () => run(b, fed))).toBe(0);
	});

	test('the borrower says it gave the van back, the owner confirms, and both read it as returned', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const id = ask(b, offer);
		const key = requestKey(b.identity.collective, id);
		const booking = bookingIdFor(key);
		// Not before it was lent.
		expect(giveBack(b.doc, id, b.by)).toEqual({ ok: false, reason: 'not_accepted' });
		await run(b, fed);
		await run(a, fed);
		expect(markReturned(a.doc, booking, a.by)).toEqual({ ok: false, reason: 'not_confirmed' });
		confirmBooking(a.doc, booking, a.by);
		await run(a, fed);
		await run(b, fed);

		expect(giveBack(b.doc, id, b.by)).toEqual({ ok: true });
		expect(giveBack(b.doc, id, b.by)).toEqual({ ok: false, reason: 'already_returned' });
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('given_back');
		// The signed request now says so; the owner's booking notes it, and waits for a member there.
		expect((await run(b, fed)).written).toBe(1);
		expect(requestsMap(fed).get(key)).toMatchObject({ returned: true, cancelled: false });
		expect((await run(a, fed)).applied).toBe(1);
		expect(getBooking(a.doc, booking)).toMatchObject({ status: 'confirmed', returnedAt: null, returnReportedAt: 1_700_000_200_000 });
		expect(await updatesDuring(a.doc, () => run(a, fed))).toBe(0);
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('given_back');

		expect(markReturned(a.doc, booking, a.by, 1_700_000_300_000)).toEqual({ ok: true });
		expect(markReturned(a.doc, booking, a.by)).toEqual({ ok: false, reason: 'already_returned' });
		expect(getBooking(a.doc, booking)).toMatchObject({ status: 'confirmed', returnedAt: 1_700_000_300_000 });
		await run(a, fed);
		expect(responsesMap(fed).get(responseKey(a.identity.collective, key))).toMatchObject({ state: 'returned' });
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('returned');
		expect(await updatesDuring(fed, () => run(a, fed))).toBe(0);
		expect(await updatesDuring(fed, () => run(b, fed))).toBe(0);
	});

	test('the owner may record the return without the borrower saying anything', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const id = ask(b, offer);
		const booking = bookingIdFor(requestKey(b.identity.collective, id));
		await run(b, fed);
		await run(a, fed);
		confirmBooking(a.doc, booking, a.by);
		markReturned(a.doc, booking, a.by);
		await run(a, fed);
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('returned');
		// Already back: nothing left to give back.
		expect(giveBack(b.doc, id, b.by)).toEqual({ ok: false, reason: 'already_returned' });
	});

	test('declining in the owner reads as declined in the borrower', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const id = ask(b, offer);
		await run(b, fed);
		await run(a, fed);
		cancelBooking(a.doc, bookingIdFor(requestKey(b.identity.collective, id)), a.by);
		await run(a, fed);
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('declined');
	});

	test('a request for a removed resource is declined without a booking', async () => {
		const { a, b, fed, van, offer } = await twoCollectives();
		removeResource(a.doc, van, a.by);
		ask(b, offer);
		await run(b, fed);
		expect((await run(a, fed)).applied).toBe(0);
		expect(receivedRequests(a.doc, FEDERATION)).toEqual([]);
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('declined');
	});

	test('two of the owner’s devices carrying the same request offline make one booking', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const id = ask(b, offer);
		await run(b, fed);
		const a2 = { ...a, doc: replica(a.doc) };
		const fed2 = replica(fed);
		await run(a, fed);
		await run(a2, fed2);
		syncDocs(a.doc, a2.doc);
		syncDocs(fed, fed2);
		expect(receivedRequests(a.doc, FEDERATION)).toHaveLength(1);
		expect(receivedRequests(a2.doc, FEDERATION)).toHaveLength(1);
		expect(Y.encodeStateVector(fed)).toEqual(Y.encodeStateVector(fed2));
		expect(responsesMap(fed).toJSON()).toEqual(responsesMap(fed2).toJSON());
		expect(getBooking(a.doc, bookingIdFor(requestKey(b.identity.collective, id)))?.status).toBe('requested');
	});

	test('a cancellation by the borrower concurrent with the owner’s confirmation wins', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const id = ask(b, offer);
		await run(b, fed);
		const fedA = replica(fed);
		await run(a, fedA);
		const key = requestKey(b.identity.collective, id);
		// Offline on both sides: A confirms while B cancels.
		confirmBooking(a.doc, bookingIdFor(key), a.by);
		await run(a, fedA);
		expect(cancelAsk(b.doc, id, b.by)).toEqual({ ok: true });
		expect(cancelAsk(b.doc, id, b.by)).toEqual({ ok: false, reason: 'already_cancelled' });
		await run(b, fed);
		syncDocs(fed, fedA);
		await run(a, fedA);
		expect(getBooking(a.doc, bookingIdFor(key))?.status).toBe('cancelled');
		syncDocs(fed, fedA);
		await run(b, fed);
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('cancelled');
		expect(readOutbox(b.doc).items[0]!.answer).toBe('cancelled');
	});

	test('the same van asked by two collectives and confirmed on two offline phones is a double booking in the owner', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const c = await newCollective('Épicerie du coin');
		await runPublication(c.doc, fed, c.identity);
		const fromB = ask(b, offer);
		const fromC = ask(c, offer, SATURDAY + HOUR);
		await run(b, fed);
		await run(c, fed);
		await run(a, fed);
		const phone = replica(a.doc);
		confirmBooking(a.doc, bookingIdFor(requestKey(b.identity.collective, fromB)), a.by);
		confirmBooking(phone, bookingIdFor(requestKey(c.identity.collective, fromC)), a.by);
		syncDocs(a.doc, phone);
		expect(overlappingBookings(a.doc)).toHaveLength(1);
	});

	test('a forged request or response changes nothing but a note that one was seen, and is counted', async () => {
		const { a, b, fed, offer } = await twoCollectives();
		const c = await newCollective('Imposteurs');
		await runPublication(c.doc, fed, c.identity);
		// C writes a request in B's name, signed with C's key.
		const forgedBody = { v: 1, collective: b.identity.collective, id: 'forgedrequest0001', copy: offer, start: SATURDAY, end: SATURDAY + HOUR, note: '', cancelled: false };
		requestsMap(fed).set(requestKey(b.identity.collective, 'forgedrequest0001'), { ...forgedBody, sig: await signRecord(c.identity, forgedBody) });
		const result = await run(a, fed);
		expect(result).toMatchObject({ unverified: 1 });
		expect(receivedRequests(a.doc, FEDERATION)).toEqual([]);
		expect(bookingsMap(a.doc).size).toBe(0);
		// The collective's conflicts will show it: where it was seen, and nothing of what it says.
		expect(readAlerts(a.doc)).toMatchObject([{ federation: FEDERATION, record: requestKey(b.identity.collective, 'forgedrequest0001') }]);
		expect(JSON.stringify(a.doc.toJSON())).not.toContain(SATURDAY + HOUR + '');
		// Seen again: not noted twice.
		expect(await updatesDuring(a.doc, () => run(a, fed))).toBe(0);

		// And an answer to B's genuine request, in A's name, signed by C.
		const id = ask(b, offer);
		await run(b, fed);
		const key = requestKey(b.identity.collective, id);
		const answer = { v: 1, collective: a.identity.collective, request: key, state: 'accepted', rev: [] };
		responsesMap(fed).set(responseKey(a.identity.collective, key), { ...answer, sig: await signRecord(c.identity, answer) });
		const outboxBefore = JSON.stringify(outboxMap(b.doc).toJSON());
		expect((await run(b, fed)).unverified).toBeGreaterThan(0);
		expect(JSON.stringify(outboxMap(b.doc).toJSON())).toBe(outboxBefore);
		// B notes both: the answer in A's name, and the request written in its own name by someone else.
		expect(readAlerts(b.doc).map((alert) => alert.record).sort()).toEqual([requestKey(b.identity.collective, 'forgedrequest0001'), responseKey(a.identity.collective, key)].sort());
		expect(sentRequests(b.doc, fed, FEDERATION, b.identity.collective)[0]!.state).toBe('waiting_answer');

		// A's own run replaces the forged answer with its genuine one.
		await run(a, fed);
		expect(responsesMap(fed).get(responseKey(a.identity.collective, key))).toMatchObject({ state: 'received' });
	});

	test('bad input gets a clear refusal and writes nothing', async () => {
		const { b, offer } = await twoCollectives();
		const before = Y.encodeStateVector(b.doc);
		expect(askToBorrow(b.doc, { federation: FEDERATION, copy: offer, start: SATURDAY, end: SATURDAY }, b.by)).toMatchObject({ ok: false, field: 'end' });
		expect(askToBorrow(b.doc, { federation: FEDERATION, copy: 'not-an-offer', start: SATURDAY, end: SATURDAY + HOUR }, b.by)).toMatchObject({ ok: false, field: 'copy' });
		expect(cancelAsk(b.doc, 'missingrequest0001', b.by)).toEqual({ ok: false, reason: 'not_found' });
		expect(Y.encodeStateVector(b.doc)).toEqual(before);
	});
});
