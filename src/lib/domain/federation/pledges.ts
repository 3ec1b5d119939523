/**
 * Pledging to another collective's need through a federation: money, goods,
 * hours, conditional or firm, with the pledge kinds of the needs aggregate.
 *
 * 1. A member of the giving collective B pledges, offline if need be: the
 *    pledge is written into B's own document (`pledgesOut`).
 * 2. A delegate's device of B carries it into the federation as a record
 *    signed by B, under `<B>.pledge.<id>`.
 * 3. A delegate's device of the receiving collective A turns a verified one
 *    into a pledge on A's need, from "collective B", under an id derived from
 *    the record, so two of A's devices write one pledge.
 * 4. When B has sent what it pledged, a member of B says so: for money, from
 *    one of B's funds, which writes an `out` entry in B's ledger. The mark
 *    crosses in B's record; A's pledge shows it, and a member of A confirms
 *    receipt with the usual delivery, which writes the `in` entry in A's
 *    ledger. Both entries carry the record's key as their shared reference.
 * 5. A's devices write the pledge's state back as a response signed by A
 *    (received, delivered, withdrawn, declined); B's devices copy it.
 *
 * One writer per record: B writes its pledge (and only ever adds a
 * withdrawal or a sent date to it), A writes its response.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { opened } from '../core/derived';
import { newId, type FundId, type LedgerEntryId, type MemberId, type NeedId, type PledgeId } from '../core/ids';
import { localDate } from '../core/dates';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, idString, isoDate, ledgerMap, pledgesMap, plainValue, recordedFields, setRecorded, text, timestamp } from '../core/schema';
import { recordActivity } from '../core/activity';
import { checkTarget, derivedEntryId, entryActivity, getEntry, writeEntry, type LedgerRefusal, type NewEntry } from '../money/ledger';
import { NEED_KINDS, getNeed } from '../needs/needs';
import { getPledge, receivePledge } from '../needs/pledges';
import type { Pledge } from '../needs/pledge';
import { covers, itemsOf, revisionOf } from './bridge';
import { canonicalJson, contentHash } from './canonical';
import { signRecord, type CollectiveId, type CollectiveIdentity } from './identity';
import { noteUnverified } from './alerts';
import { ANSWERS, ResponseRecordSchema, admittedSet, answerIsNewer, flag, pinnedCharter, nameOf, parsed, responseKey, responsesMap, trustedKeys, type Answer, type ResponseBody, type ResponseRecord } from './requests';
import { RECORD_VERSION, type Revision } from './schema';
import { VerdictCache } from './signatures';

export function pledgesOutMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('pledgesOut'));
}
/** In a federation's document: the pledges collectives made to each other's needs. */
export function federationPledgesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('pledges'));
}

const COLLECTIVE = /^[A-Za-z0-9_-]{43}$/;
const NEED_KEY = /^([A-Za-z0-9_-]{43})\.need\.([A-Za-z0-9_-]{16,64})$/;

/** The collective and the need a need's copy key names, or null for anything else. */
export function needOf(copy: string): { owner: CollectiveId; need: NeedId } | null {
	const match = NEED_KEY.exec(copy);
	return match ? { owner: match[1] as CollectiveId, need: match[2] as NeedId } : null;
}

export function pledgeKey(giver: CollectiveId, id: string): string {
	return `${giver}.pledge.${id}`;
}

/** The pledge a record becomes in the receiving collective: the same id on every device that carries it. */
export function pledgeIdFor(key: string): PledgeId {
	return contentHash({ pledge: key }) as PledgeId;
}

const needKey = v.pipe(v.string(), v.regex(NEED_KEY, 'not a need'));
const amount = v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1e15));
const condition = v.nullable(v.object({ threshold: amount, by: isoDate }));

const PledgeInputSchema = v.object({
	federation: idString,
	copy: needKey,
	title: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120)), ''),
	/** The receiving collective's name when pledged: the giver's ledger names it. */
	ownerName: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	kind: v.picklist(NEED_KINDS),
	unit: v.pipe(v.string(), v.trim(), v.maxLength(30)),
	amount,
	note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500)), ''),
	condition: v.optional(condition, null)
});
export type PledgeOutInput = v.InferInput<typeof PledgeInputSchema>;

const StoredPledgeOut = v.object({
	id: idString,
	federation: idString,
	copy: needKey,
	title: v.optional(text(120), ''),
	ownerName: text(120),
	kind: v.picklist(NEED_KINDS),
	unit: text(30),
	amount,
	note: v.optional(text(500), ''),
	conditionThreshold: v.optional(v.nullable(amount), null),
	conditionBy: v.optional(v.nullable(isoDate), null),
	createdAt: timestamp,
	createdBy: idString,
	withdrawnAt: v.optional(v.nullable(timestamp), null),
	sentOn: v.optional(v.nullable(isoDate), null),
	sentEntry: v.optional(v.nullable(idString), null),
	answer: v.optional(v.nullable(v.picklist(ANSWERS)), null),
	answerFrom: v.optional(v.nullable(v.tuple([v.pipe(v.number(), v.safeInteger(), v.minValue(0)), v.pipe(v.number(), v.safeInteger(), v.minValue(0))])), null)
});
const PledgeOutSchema = v.pipe(v.unknown(), recordedFields, StoredPledgeOut);
export type PledgeOut = v.InferOutput<typeof StoredPledgeOut>;

/** Writes a pledge to another collective's need into this collective's own document. */
export function pledgeToCollective(doc: Y.Doc, input: PledgeOutInput, by: MemberId, now = Date.now()): { ok: true; id: string } | InvalidField {
	const checked = checkInput(PledgeInputSchema, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	if (fields.kind === 'money' && !Number.isSafeInteger(fields.amount)) return { ok: false, reason: 'invalid_field', field: 'amount', problem: 'malformed', limit: null };
	const id = newId<'pledge'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		setRecorded(entry, {
			federation: fields.federation,
			copy: fields.copy,
			title: fields.title,
			ownerName: fields.ownerName,
			kind: fields.kind,
			unit: fields.unit,
			amount: fields.amount,
			note: fields.note,
			conditionThreshold: fields.condition?.threshold ?? null,
			conditionBy: fields.condition?.by ?? null,
			createdAt: now,
			createdBy: by
		});
		pledgesOutMap(doc).set(id, entry);
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

function readPledgeOut(id: string, value: unknown): PledgeOut | null {
	if (!(value instanceof Y.Map)) return null;
	const plain = plainValue(value);
	if (typeof plain !== 'object' || plain === null) return null;
	const result = v.safeParse(PledgeOutSchema, { ...(plain as object), id });
	return result.success ? result.output : null;
}

/** This collective's pledges to other collectives, newest first; those of one federation when named. */
export function readPledgesOut(doc: Y.Doc, federation?: string): { items: PledgeOut[]; unreadable: number } {
	const items: PledgeOut[] = [];
	let unreadable = 0;
	for (const [id, value] of pledgesOutMap(doc).entries()) {
		const pledge = readPledgeOut(id, value);
		if (!pledge) unreadable++;
		else if (!federation || pledge.federation === federation) items.push(pledge);
	}
	items.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return { items, unreadable };
}

export type PledgeOutRefusal = Refusal<'not_found'> | Refusal<'already_withdrawn'> | Refusal<'already_sent'> | Refusal<'declined'>;

/** Takes a pledge back before it was sent. */
export function withdrawPledgeOut(doc: Y.Doc, id: string, by: MemberId, now = Date.now()): { ok: true } | PledgeOutRefusal {
	const entry = pledgesOutMap(doc).get(id);
	const pledge = readPledgeOut(id, entry);
	if (!pledge || !(entry instanceof Y.Map)) return { ok: false, reason: 'not_found' };
	if (pledge.withdrawnAt !== null) return { ok: false, reason: 'already_withdrawn' };
	if (pledge.sentOn !== null) return { ok: false, reason: 'already_sent' };
	doc.transact(() => {
		entry.set('withdrawnAt', now);
		entry.set('withdrawnBy', by);
	}, LOCAL_ORIGIN);
	return { ok: true };
}

const SentInput = v.object({
	sentOn: v.optional(isoDate),
	/** The fund the money left from: money pledges only, and required for them. */
	fundId: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/))), null)
});

export type SentResult = { ok: true; entryId: LedgerEntryId | null } | InvalidField | PledgeOutRefusal | Refusal<'sent_ahead' | 'fund_required' | LedgerRefusal>;

/**
 * Says that what was pledged has been sent. For money, the `out` entry is
 * written in this collective's ledger in the same transaction, under an id
 * derived from the pledge (two phones saying it offline write one entry),
 * naming the receiving collective and carrying the shared reference.
 */
export function markPledgeSent(doc: Y.Doc, id: string, input: v.InferInput<typeof SentInput>, giver: CollectiveId, by: MemberId, now = Date.now()): SentResult {
	const checked = checkInput(SentInput, input);
	if (!checked.ok) return checked;
	const entry = pledgesOutMap(doc).get(id);
	const pledge = readPledgeOut(id, entry);
	if (!pledge || !(entry instanceof Y.Map)) return { ok: false, reason: 'not_found' };
	if (pledge.withdrawnAt !== null) return { ok: false, reason: 'already_withdrawn' };
	if (pledge.sentOn !== null) return { ok: false, reason: 'already_sent' };
	if (pledge.answer === 'declined') return { ok: false, reason: 'declined' };
	const today = localDate(new Date(now));
	const sentOn = checked.value.sentOn ?? today;
	if (sentOn > today) return { ok: false, reason: 'sent_ahead' };
	let money: NewEntry | null = null;
	let fund = null;
	if (pledge.kind === 'money') {
		const fundId = checked.value.fundId as FundId | null;
		if (!fundId) return { ok: false, reason: 'fund_required' };
		const target = checkTarget(doc, fundId, pledge.unit, null);
		if (typeof target === 'string') return { ok: false, reason: target };
		fund = target;
		money = {
			fundId,
			date: sentOn,
			amount: pledge.amount,
			currency: target.currency,
			direction: 'out',
			category: 'donation',
			counterparty: { kind: 'outside', name: pledge.ownerName },
			note: pledge.title,
			reference: pledgeKey(giver, id)
		};
	}
	const entryId = money ? derivedEntryId('federation', pledgeKey(giver, id)) : null;
	doc.transact(() => {
		entry.set('sentOn', sentOn);
		entry.set('sentBy', by);
		if (!money || !entryId || !fund) return;
		entry.set('sentEntry', entryId);
		if (ledgerMap(doc).has(entryId)) return;
		writeEntry(doc, entryId, money, by, now);
		recordActivity(doc, entryActivity('ledger.created', entryId, money, fund, by, now));
	}, LOCAL_ORIGIN);
	return { ok: true, entryId };
}

// ---- Records in the federation ----

const signature = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/));
const collectiveId = v.custom<CollectiveId>((value) => typeof value === 'string' && COLLECTIVE.test(value), 'not a collective id');

export const PledgeRecordSchema = v.object({
	v: v.literal(RECORD_VERSION),
	collective: collectiveId,
	id: idString,
	copy: needKey,
	kind: v.picklist(NEED_KINDS),
	unit: text(30),
	amount,
	note: text(500),
	condition,
	withdrawn: v.boolean(),
	sentOn: v.nullable(isoDate),
	sig: signature
});
export type PledgeRecord = v.InferOutput<typeof PledgeRecordSchema>;
export type PledgeBody = Omit<PledgeRecord, 'sig'>;

export interface PledgesChecked {
	incoming: Map<string, PledgeRecord>;
	answers: Map<string, { record: ResponseRecord; from: [number, number] }>;
	distrusted: Set<string>;
	unverified: number;
	unverifiedKeys: string[];
}

export interface PledgePlan {
	writes: Array<{ map: 'pledges'; key: string; body: PledgeBody; replaces: unknown } | { map: 'responses'; key: string; body: ResponseBody; replaces: unknown }>;
	receive: Array<{ id: PledgeId; record: PledgeRecord; name: string }>;
	withdraw: PledgeId[];
	sent: Array<{ id: PledgeId; sentOn: string }>;
	/** Deliveries to mark again: their money is in the ledger, but the mark was lost in a merge (see below). */
	delivered: Array<{ id: PledgeId; on: string; at: number; by: MemberId }>;
	answers: Array<{ id: string; answer: Answer; from: [number, number] }>;
}

/** The state A's response gives of a pledge, from the pledge it became. */
export function pledgeAnswerOf(record: PledgeRecord, pledge: Pledge | undefined, needOpen: boolean): Answer {
	if (!pledge) return record.withdrawn ? 'withdrawn' : needOpen ? 'received' : 'declined';
	if (pledge.deliveredOn !== null) return 'delivered';
	if (pledge.withdrawnOn !== null) return 'withdrawn';
	return 'received';
}

/** What to write, each way, for the pledges between this collective and a federation. Pure. */
export function planPledges(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: CollectiveId, checked: PledgesChecked): PledgePlan {
	const plan: PledgePlan = { writes: [], receive: [], withdraw: [], sent: [], delivered: [], answers: [] };
	const records = federationPledgesMap(federationDoc);
	const responses = responsesMap(federationDoc);

	for (const pledge of readPledgesOut(collectiveDoc, federation).items) {
		const key = pledgeKey(own, pledge.id);
		const raw = records.get(key);
		const stored = checked.distrusted.has(key) ? null : parsed(PledgeRecordSchema, raw);
		const body: PledgeBody = {
			v: RECORD_VERSION,
			collective: own,
			id: pledge.id,
			copy: pledge.copy,
			kind: pledge.kind,
			unit: pledge.unit,
			amount: pledge.amount,
			note: pledge.note,
			condition: pledge.conditionThreshold !== null && pledge.conditionBy !== null ? { threshold: pledge.conditionThreshold, by: pledge.conditionBy } : null,
			// Marks only ever arrive: a device that has not seen one keeps what the record already says.
			withdrawn: pledge.withdrawnAt !== null || Boolean(stored?.withdrawn),
			sentOn: pledge.sentOn ?? stored?.sentOn ?? null
		};
		if (!stored || stored.withdrawn !== body.withdrawn || stored.sentOn !== body.sentOn) plan.writes.push({ map: 'pledges', key, body, replaces: raw });
		const answer = checked.answers.get(key);
		if (answer && answerIsNewer(federationDoc, pledge, answer.from)) plan.answers.push({ id: pledge.id, answer: answer.record.state, from: answer.from });
	}

	for (const [key, record] of checked.incoming) {
		const target = needOf(record.copy);
		if (!target || target.owner !== own) continue;
		const id = pledgeIdFor(key);
		const pledge = getPledge(collectiveDoc, id);
		const need = getNeed(collectiveDoc, target.need);
		const needOpen = Boolean(need && need.status !== 'closed' && need.kind === record.kind && need.unit === record.unit);
		const rkey = responseKey(own, key);
		const raw = responses.get(rkey);
		const stored = checked.distrusted.has(rkey) ? null : parsed(ResponseRecordSchema, raw);
		const current = stored && stored.collective === own && stored.request === key ? stored : null;
		const refused = current?.state === 'declined' && current.rev.length === 0;
		if (!pledge && !pledgesMap(collectiveDoc).has(id) && !record.withdrawn && needOpen && !refused) {
			plan.receive.push({ id, record, name: nameOf(federationDoc, record.collective) });
			continue;
		}
		if (pledge && record.withdrawn && pledge.withdrawnOn === null && pledge.deliveredOn === null) {
			plan.withdraw.push(id);
			continue;
		}
		// Two delegates' devices that both wrote the pledge offline: one of the two maps wins
		// the merge whole, and a delivery marked on the other is lost while its money stays in
		// the ledger, under the id derived from the pledge. The entry says it was delivered.
		const money = pledge && pledge.deliveredOn === null ? getEntry(collectiveDoc, derivedEntryId('pledge', id)) : undefined;
		if (pledge && money && money.pledgeId === id && money.reversedBy === null) {
			plan.delivered.push({ id, on: money.date, at: money.createdAt, by: money.createdBy });
			continue;
		}
		if (pledge && record.sentOn && pledge.federationSentOn == null) {
			plan.sent.push({ id, sentOn: record.sentOn });
			continue;
		}
		if (refused && !pledge) continue;
		const state = pledgeAnswerOf(record, pledge, needOpen);
		const rev: Revision = revisionOf(itemsOf(pledgesMap(collectiveDoc), id));
		if (current) {
			if (current.state === state) continue;
			if (!covers(collectiveDoc, current.rev)) continue;
			if (canonicalJson(current.rev) === canonicalJson(rev) && !(record.withdrawn && state === 'withdrawn')) continue;
		}
		plan.writes.push({ map: 'responses', key: rkey, body: { v: RECORD_VERSION, collective: own, request: key, state, rev }, replaces: raw });
	}
	return plan;
}

/** Checks the pledge records planning reads: to this collective's needs, answers to its pledges, and its own. */
export async function checkPledges(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: Pick<CollectiveIdentity, 'collective' | 'publicKey'>, cache: VerdictCache): Promise<PledgesChecked> {
	const keys = await trustedKeys(federationDoc, cache);
	const allowed = await admittedSet(federationDoc, federation, keys, cache, pinnedCharter(collectiveDoc, federation));
	const checked: PledgesChecked = { incoming: new Map(), answers: new Map(), distrusted: new Set(), unverified: 0, unverifiedKeys: [] };
	const jobs: Promise<void>[] = [];
	const prefix = `${own.collective}.need.`;
	for (const [key, raw] of federationPledgesMap(federationDoc).entries()) {
		const record = parsed(PledgeRecordSchema, raw);
		if (!record || key !== pledgeKey(record.collective, record.id)) {
			if (key.startsWith(`${own.collective}.`)) (checked.distrusted.add(key), checked.unverifiedKeys.push(key));
			continue;
		}
		if (record.collective === own.collective) {
			jobs.push(cache.valid(own.publicKey, raw).then((valid) => void (valid || (checked.distrusted.add(key), checked.unverifiedKeys.push(key)))));
			continue;
		}
		if (!record.copy.startsWith(prefix)) continue;
		const publicKey = keys.get(record.collective);
		if (!publicKey) {
			flag(checked, key);
			continue;
		}
		if (allowed && !allowed.has(record.collective)) continue;
		jobs.push(cache.valid(publicKey, raw).then((valid) => (valid ? void checked.incoming.set(key, record) : void flag(checked, key))));
	}
	for (const pledge of readPledgesOut(collectiveDoc, federation).items) {
		const target = needOf(pledge.copy);
		if (!target) continue;
		const key = pledgeKey(own.collective, pledge.id);
		const rkey = responseKey(target.owner, key);
		const raw = responsesMap(federationDoc).get(rkey);
		if (raw === undefined) continue;
		const record = parsed(ResponseRecordSchema, raw);
		const publicKey = keys.get(target.owner);
		const item = responsesMap(federationDoc)._map.get(rkey);
		if (!record || record.collective !== target.owner || record.request !== key || !publicKey || !item) {
			flag(checked, rkey);
			continue;
		}
		const from: [number, number] = [item.id.client, item.id.clock];
		jobs.push(cache.valid(publicKey, raw).then((valid) => (valid ? void checked.answers.set(key, { record, from }) : void flag(checked, rkey))));
	}
	await Promise.all(jobs);
	await Promise.all(
		[...checked.incoming.keys()].map(async (key) => {
			const rkey = responseKey(own.collective, key);
			const raw = responsesMap(federationDoc).get(rkey);
			if (raw !== undefined && !(await cache.valid(own.publicKey, raw))) (checked.distrusted.add(rkey), checked.unverifiedKeys.push(rkey));
		})
	);
	return checked;
}

export interface PledgeRun {
	written: number;
	applied: number;
	unverified: number;
}

/** Checks, plans, writes: the collective's space first, then the federation, planned again in between. */
export async function runPledges(
	collectiveDoc: Y.Doc,
	federationDoc: Y.Doc,
	federation: string,
	identity: CollectiveIdentity,
	by: MemberId,
	cache = new VerdictCache(),
	now = Date.now()
): Promise<PledgeRun> {
	const today = localDate(new Date(now));
	let checked = await checkPledges(collectiveDoc, federationDoc, federation, identity, cache);
	let plan = planPledges(collectiveDoc, federationDoc, federation, identity.collective, checked);
	let applied = 0;
	if (plan.receive.length + plan.withdraw.length + plan.sent.length + plan.delivered.length + plan.answers.length > 0) {
		collectiveDoc.transact(() => {
			for (const { id, record, name } of plan.receive) {
				const target = needOf(record.copy)!;
				const link = { space: federation, collective: record.collective, pledge: pledgeKey(record.collective, record.id) };
				if (receivePledge(collectiveDoc, id, { needId: target.need, amount: record.amount, note: record.note, condition: record.condition, name, federation: link }, by, now)) applied++;
			}
			for (const id of plan.withdraw) {
				const entry = pledgesMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map)) continue;
				entry.set('withdrawnOn', today);
				entry.set('withdrawnAt', now);
				entry.set('withdrawnBy', by);
				applied++;
			}
			for (const { id, on, at, by: who } of plan.delivered) {
				const entry = pledgesMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map) || entry.get('deliveredOn') != null) continue;
				entry.set('deliveredOn', on);
				entry.set('deliveredAt', at);
				entry.set('deliveredBy', who);
				applied++;
			}
			for (const { id, sentOn } of plan.sent) {
				const entry = pledgesMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map)) continue;
				entry.set('federationSentOn', sentOn);
				applied++;
			}
			for (const { id, answer, from } of plan.answers) {
				const entry = pledgesOutMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map)) continue;
				if (entry.get('answer') !== answer) entry.set('answer', answer);
				entry.set('answerFrom', from);
				applied++;
			}
		}, LOCAL_ORIGIN);
		checked = await checkPledges(collectiveDoc, federationDoc, federation, identity, cache);
		plan = planPledges(collectiveDoc, federationDoc, federation, identity.collective, checked);
	}
	applied += noteUnverified(collectiveDoc, federation, checked.unverifiedKeys, today);
	const signed = await Promise.all(plan.writes.map(async (write) => ({ write, sig: await signRecord(identity, write.body) })));
	let written = 0;
	if (signed.length > 0) {
		federationDoc.transact(() => {
			for (const { write, sig } of signed) {
				const map = write.map === 'pledges' ? federationPledgesMap(federationDoc) : responsesMap(federationDoc);
				if (map.get(write.key) !== write.replaces) continue;
				const record = { ...write.body, sig };
				map.set(write.key, record);
				cache.signed(identity.publicKey, record);
				written++;
			}
		}, LOCAL_ORIGIN);
	}
	return { written, applied, unverified: checked.unverified };
}

/** Where a pledge made by this collective stands, as its members read it. */
export type PledgeOutState = 'waiting_delegate' | 'waiting_answer' | 'received' | 'sent' | 'delivered' | 'withdrawn' | 'declined';

export interface PledgeOutRow extends PledgeOut {
	state: PledgeOutState;
	owner: CollectiveId | null;
}

export function pledgesOutView(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: CollectiveId | null): PledgeOutRow[] {
	const records = federationPledgesMap(federationDoc);
	return readPledgesOut(collectiveDoc, federation).items.map((pledge) => {
		const owner = needOf(pledge.copy)?.owner ?? null;
		const carried = own ? parsed(PledgeRecordSchema, records.get(pledgeKey(own, pledge.id))) : null;
		let state: PledgeOutState;
		if (pledge.answer === 'delivered' || pledge.answer === 'declined') state = pledge.answer;
		else if (pledge.withdrawnAt !== null || pledge.answer === 'withdrawn') state = 'withdrawn';
		else if (pledge.sentOn !== null) state = 'sent';
		else if (pledge.answer === 'received') state = 'received';
		else state = carried ? 'waiting_answer' : 'waiting_delegate';
		return { ...pledge, state, owner };
	});
}

/** How long a sent pledge may wait for the other collective to confirm it before it is shown as a conflict. */
export const DELIVERY_CONFIRMATION_DAYS = 14;

function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface UnconfirmedDelivery {
	/** 'sent': this collective sent it; 'received': another collective says it sent it here. */
	side: 'sent' | 'received';
	id: string;
	sentOn: string;
	/** The other collective's name. */
	name: string;
	amount: number;
	kind: (typeof NEED_KINDS)[number];
	unit: string;
	needId: NeedId | null;
}

/** Pledges between collectives sent at least 14 days ago and not confirmed as delivered, on either side. */
export function unconfirmedDeliveries(collectiveDoc: Y.Doc, today: string): UnconfirmedDelivery[] {
	const out: UnconfirmedDelivery[] = [];
	for (const pledge of readPledgesOut(collectiveDoc).items) {
		if (pledge.sentOn === null || pledge.answer === 'delivered' || pledge.withdrawnAt !== null) continue;
		if (daysBetween(pledge.sentOn, today) < DELIVERY_CONFIRMATION_DAYS) continue;
		out.push({ side: 'sent', id: pledge.id, sentOn: pledge.sentOn, name: pledge.ownerName, amount: pledge.amount, kind: pledge.kind, unit: pledge.unit, needId: null });
	}
	for (const id of pledgesMap(collectiveDoc).keys()) {
		const pledge = getPledge(collectiveDoc, id as PledgeId);
		if (!pledge || !pledge.federation || pledge.federationSentOn == null) continue;
		if (pledge.deliveredOn !== null || pledge.withdrawnOn !== null) continue;
		if (daysBetween(pledge.federationSentOn, today) < DELIVERY_CONFIRMATION_DAYS) continue;
		const need = getNeed(collectiveDoc, pledge.needId);
		out.push({ side: 'received', id: pledge.id, sentOn: pledge.federationSentOn, name: pledge.supporterName, amount: pledge.amount, kind: need?.kind ?? 'other', unit: need?.unit ?? '', needId: pledge.needId });
	}
	return out;
}
