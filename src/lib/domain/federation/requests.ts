/**
 * Asking another collective to lend or book one of its offers, in two phases.
 *
 * 1. A member of the borrowing collective B asks, offline if need be: the
 *    request is written into B's own document, its *outbox*.
 * 2. A delegate's device of B (one holding both documents) carries it into the
 *    federation as a record signed by B, under `<B>.request.<outbox id>`.
 * 3. A delegate's device of the owner A turns a verified request for one of A's
 *    offers into a *requested* booking in A's own space, under an id derived
 *    from the request, so two of A's devices write one booking. A member of A
 *    confirms or declines it there, as any booking.
 * 4. A's devices write the booking's state back as a response signed by A,
 *    under `<A>.response.<request key>`; B's devices copy a verified answer
 *    into B's outbox, where every member of B reads it.
 *
 * A cancellation by B reaches A as a cancelled request and cancels the
 * booking; as in bookings, a cancellation concurrent with a confirmation wins.
 * The same van promised to two collectives from two offline phones is then the
 * double booking the owning collective already sees in its bookings.
 *
 * Each federation record has one writer collective and is plain, signed as a
 * whole. Nothing of a request names a member: B's outbox keeps who asked; the
 * record says only which collective asks.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import type { BookingId, MemberId } from '../core/ids';
import { LOCAL_ORIGIN, bookingsMap, idString, plainValue, text, timestamp } from '../core/schema';
import { opened } from '../core/derived';
import { localDate } from '../core/dates';
import { getBooking, receiveBooking, type Booking } from '../bookings/bookings';
import { noteReturnReported } from '../bookings/returns';
import { getResource } from '../inventory/resources';
import { noteUnverified } from './alerts';
import { itemsOf, revisionOf } from './bridge';
import { contentHash } from './canonical';
import {
	answerIsNewer,
	checkAnswer,
	checkOwnResponses,
	collectiveIdSchema,
	distrust,
	flag,
	nameOf,
	noChecks,
	parsed,
	responsesMap,
	responseToWrite,
	setAnswer,
	signAndWrite,
	signatureSchema,
	storedResponse,
	trusted,
	type Answer,
	type Checks
} from './exchange';
import type { CollectiveId, CollectiveIdentity } from './identity';
import { RECORD_VERSION, type Revision } from './schema';
import { copyKeyText, offerOf, outboxMap, readOutbox, type OutboxRequest } from './outbox';
import { VerdictCache } from './signatures';

export function requestsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('requests'));
}

export function requestKey(borrower: CollectiveId, id: string): string {
	return `${borrower}.request.${id}`;
}

/** The booking a request becomes in the owner's space: the same id on every device that carries it. */
export function bookingIdFor(request: string): BookingId {
	return contentHash({ booking: request }) as BookingId;
}

// ---- Records in the federation ----

export const RequestRecordSchema = v.object({
	v: v.literal(RECORD_VERSION),
	collective: collectiveIdSchema,
	id: idString,
	copy: copyKeyText,
	start: timestamp,
	end: timestamp,
	note: text(1000),
	cancelled: v.boolean(),
	/** Written only once true, so that a request signed before returns existed reads the same. */
	returned: v.optional(v.boolean(), false),
	sig: signatureSchema
});
export type RequestRecord = v.InferOutput<typeof RequestRecordSchema>;
export type RequestBody = Omit<RequestRecord, 'sig'>;

/** What planning knows of the federation: the records already checked against their writer's key. */
export interface Checked extends Checks {
	/** Requests naming this collective's offers, signed by the collective they name as asking, by key. */
	incoming: Map<string, RequestRecord>;
}

export type ExchangeWrite = { map: 'requests' | 'responses'; key: string; body: object; replaces: unknown };

export interface ExchangePlan {
	/** Into the federation, signed by this collective. */
	writes: ExchangeWrite[];
	/** Bookings to write as requested in this collective's space. */
	receive: Array<{ id: BookingId; request: RequestRecord; name: string }>;
	/** Bookings to cancel because the asking collective took its request back. */
	cancel: BookingId[];
	/** Bookings whose borrower says it gave back what it borrowed. */
	reported: BookingId[];
	/** Outbox entries whose answer follows a newer response. */
	answers: Array<{ id: string; answer: Answer; from: [number, number] }>;
}

/** The state the owner's response gives of a request, from the booking it became. */
export function answerOf(request: RequestRecord, booking: Booking | undefined, resourceUsable: boolean): Answer {
	if (!booking) return request.cancelled ? 'cancelled' : resourceUsable ? 'received' : 'declined';
	if (booking.status === 'requested') return 'received';
	if (booking.status === 'confirmed') return booking.returnedAt !== null ? 'returned' : 'accepted';
	// Taken back by the borrower, or by the owner after saying yes: cancelled; refused before any yes: declined.
	return request.cancelled || booking.confirmedAt !== null ? 'cancelled' : 'declined';
}

/**
 * What to write, each way, for the requests between this collective and a
 * federation. Pure: reads both documents, writes neither. Bookings to receive
 * come first; the responses then follow from the bookings as they are, so a
 * runner plans again after writing them.
 */
export function planExchanges(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: CollectiveId, checked: Checked): ExchangePlan {
	const plan: ExchangePlan = { writes: [], receive: [], cancel: [], reported: [], answers: [] };
	const requests = requestsMap(federationDoc);

	// Out: this collective's requests, carried from its outbox.
	for (const ask of readOutbox(collectiveDoc, federation).items) {
		const key = requestKey(own, ask.id);
		const returned = ask.returnedAt !== null;
		const body: Omit<RequestBody, 'returned'> & { returned?: true } = { v: RECORD_VERSION, collective: own, id: ask.id, copy: ask.copy, start: ask.start, end: ask.end, note: ask.note, cancelled: ask.cancelledAt !== null, ...(returned ? { returned: true as const } : {}) };
		const raw = requests.get(key);
		const stored = checked.distrusted.has(key) ? null : parsed(RequestRecordSchema, raw);
		// Only a cancellation or a return changes a request: a device that has not seen it never writes the request back.
		const write = !stored || (body.cancelled && !stored.cancelled) || (returned && !stored.returned);
		if (write) plan.writes.push({ map: 'requests', key, body, replaces: raw });
		const answer = checked.answers.get(key);
		if (answer && answerIsNewer(federationDoc, ask, answer.from)) plan.answers.push({ id: ask.id, answer: answer.record.state, from: answer.from });
	}

	// In: requests for this collective's offers, as bookings here and responses there.
	const bookings = bookingsMap(collectiveDoc);
	for (const [key, request] of checked.incoming) {
		const offer = offerOf(request.copy);
		if (!offer || offer.owner !== own) continue;
		const id = bookingIdFor(key);
		const booking = getBooking(collectiveDoc, id);
		const resource = getResource(collectiveDoc, offer.resource);
		const usable = Boolean(resource && resource.removedAt === null);
		const { key: rkey, raw, current } = storedResponse(federationDoc, own, key, checked);
		// Declined for want of the resource: final, even if the resource comes back later.
		const refused = current?.state === 'declined' && current.rev.length === 0;
		if (!booking && !bookings.has(id) && !request.cancelled && usable && !refused) {
			plan.receive.push({ id, request, name: nameOf(federationDoc, request.collective) });
			continue;
		}
		if (refused && !booking) continue;
		if (booking && request.cancelled && booking.status !== 'cancelled') {
			plan.cancel.push(id);
			continue;
		}
		if (booking && request.returned && booking.status === 'confirmed' && booking.returnedAt === null && booking.returnReportedAt === null) {
			plan.reported.push(id);
		}
		const state = answerOf(request, booking, usable);
		const rev: Revision = revisionOf(itemsOf(bookings, id));
		const body = responseToWrite(collectiveDoc, own, key, current, state, rev, request.cancelled && state === 'cancelled');
		if (body) plan.writes.push({ map: 'responses', key: rkey, body, replaces: raw });
	}
	return plan;
}

/** Checks the records planning reads: requests to this collective, answers to it, and what stands under its name. */
export async function checkExchanges(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: Pick<CollectiveIdentity, 'collective' | 'publicKey'>, cache: VerdictCache): Promise<Checked> {
	const { keys, allowed } = await trusted(collectiveDoc, federationDoc, federation, cache);
	const checked: Checked = { ...noChecks(), incoming: new Map() };
	const jobs: Promise<void>[] = [];
	const prefix = `${own.collective}.offer.`;
	for (const [key, raw] of requestsMap(federationDoc).entries()) {
		const record = parsed(RequestRecordSchema, raw);
		if (!record || key !== requestKey(record.collective, record.id)) {
			// Unreadable or under the wrong key: ours to replace if it stands under our name, else not ours at all.
			if (key.startsWith(`${own.collective}.`)) distrust(checked, key);
			else if (typeof raw === 'object' && raw !== null && JSON.stringify(plainValue(raw)).includes(prefix)) flag(checked, key);
			continue;
		}
		if (record.collective === own.collective) {
			jobs.push(cache.valid(own.publicKey, raw).then((valid) => void (valid || distrust(checked, key))));
			continue;
		}
		if (!record.copy.startsWith(prefix)) continue;
		const publicKey = keys.get(record.collective);
		if (!publicKey) {
			flag(checked, key);
			continue;
		}
		// From a collective still waiting for admission: left until it is admitted.
		if (allowed && !allowed.has(record.collective)) continue;
		jobs.push(cache.valid(publicKey, raw).then((valid) => (valid ? void checked.incoming.set(key, record) : void flag(checked, key))));
	}
	for (const ask of readOutbox(collectiveDoc, federation).items) {
		const offer = offerOf(ask.copy);
		const job = offer && checkAnswer(federationDoc, keys, cache, checked, offer.owner, requestKey(own.collective, ask.id));
		if (job) jobs.push(job);
	}
	await Promise.all(jobs);
	// Our responses to the requests we hold: replaced if someone else wrote them.
	await checkOwnResponses(federationDoc, own, cache, checked, checked.incoming.keys());
	return checked;
}

export interface ExchangeRun {
	/** Records written into the federation. */
	written: number;
	/** Bookings received or cancelled, and answers copied, in the collective's space. */
	applied: number;
	unverified: number;
}

/**
 * Checks, plans, writes. The collective's space first (bookings received or
 * cancelled, answers copied), then the federation (requests and responses
 * signed), planned again so that responses follow the bookings just written.
 * A second run with nothing new writes nothing.
 */
export async function runExchanges(
	collectiveDoc: Y.Doc,
	federationDoc: Y.Doc,
	federation: string,
	identity: CollectiveIdentity,
	by: MemberId,
	cache = new VerdictCache(),
	now = Date.now()
): Promise<ExchangeRun> {
	let checked = await checkExchanges(collectiveDoc, federationDoc, federation, identity, cache);
	let plan = planExchanges(collectiveDoc, federationDoc, federation, identity.collective, checked);
	let applied = 0;
	if (plan.receive.length > 0 || plan.cancel.length > 0 || plan.reported.length > 0 || plan.answers.length > 0) {
		collectiveDoc.transact(() => {
			for (const { id, request, name } of plan.receive) {
				const offer = offerOf(request.copy)!;
				const federationLink = { space: federation, collective: request.collective, request: requestKey(request.collective, request.id) };
				if (receiveBooking(collectiveDoc, id, { resourceId: offer.resource, start: request.start, end: request.end, note: request.note, name, federation: federationLink }, by, now)) applied++;
			}
			for (const id of plan.cancel) {
				const entry = bookingsMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map) || entry.get('cancelledAt') != null) continue;
				entry.set('cancelledAt', now);
				entry.set('cancelledBy', by);
				applied++;
			}
			for (const id of plan.reported) if (noteReturnReported(collectiveDoc, id, now)) applied++;
			for (const { id, answer, from } of plan.answers) if (setAnswer(outboxMap(collectiveDoc).get(id), answer, from)) applied++;
		}, LOCAL_ORIGIN);
		checked = await checkExchanges(collectiveDoc, federationDoc, federation, identity, cache);
		plan = planExchanges(collectiveDoc, federationDoc, federation, identity.collective, checked);
	}
	applied += noteUnverified(collectiveDoc, federation, checked.unverifiedKeys, localDate(new Date(now)));
	const maps = { requests: requestsMap(federationDoc), responses: responsesMap(federationDoc) };
	const written = await signAndWrite(federationDoc, identity, cache, plan.writes.map((write) => ({ ...write, map: maps[write.map] })));
	return { written, applied, unverified: checked.unverified };
}

/** Where a request made by this collective stands, as its members read it. */
export type SentState = 'waiting_delegate' | 'waiting_answer' | 'given_back' | Answer;

export interface SentRequest extends OutboxRequest {
	state: SentState;
	owner: CollectiveId | null;
}

/** This collective's requests to one federation, with where each stands. */
export function sentRequests(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: CollectiveId | null): SentRequest[] {
	const requests = requestsMap(federationDoc);
	return readOutbox(collectiveDoc, federation).items.map((ask) => {
		const owner = offerOf(ask.copy)?.owner ?? null;
		let state: SentState;
		const carried = own ? parsed(RequestRecordSchema, requests.get(requestKey(own, ask.id))) : null;
		if (ask.cancelledAt !== null) state = carried?.cancelled ? 'cancelled' : 'waiting_delegate';
		else if (ask.returnedAt !== null && ask.answer !== 'returned' && ask.answer !== 'cancelled') state = 'given_back';
		else if (ask.answer) state = ask.answer === 'received' ? 'waiting_answer' : ask.answer;
		else state = carried ? 'waiting_answer' : 'waiting_delegate';
		return { ...ask, state, owner };
	});
}

export interface ReceivedBooking {
	booking: Booking;
	borrower: string;
}

/** Bookings in this collective that answer another collective's request through `federation`. */
export function receivedRequests(collectiveDoc: Y.Doc, federation: string): ReceivedBooking[] {
	const out: ReceivedBooking[] = [];
	for (const id of bookingsMap(collectiveDoc).keys()) {
		const booking = getBooking(collectiveDoc, id as BookingId);
		if (!booking || booking.to.kind !== 'collective' || booking.to.federation?.space !== federation) continue;
		out.push({ booking, borrower: booking.to.name });
	}
	out.sort((a, b) => a.booking.start - b.booking.start || (a.booking.id < b.booking.id ? -1 : 1));
	return out;
}
