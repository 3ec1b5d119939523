/**
 * The giving collective's side of a pledge to another collective's need, in
 * its own document (`pledgesOut`): made by a member, offline if need be;
 * withdrawn before it is sent; said sent, which for money writes the `out`
 * entry of the giver's ledger. How it crosses to the receiving collective and
 * back is pledges.ts.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { opened } from '../core/derived';
import { newId, type FundId, type LedgerEntryId, type MemberId, type NeedId } from '../core/ids';
import { localDate } from '../core/dates';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, idString, isoDate, ledgerMap, plainValue, recordedFields, setRecorded, text, timestamp } from '../core/schema';
import { recordActivity } from '../core/activity';
import { checkTarget, derivedEntryId, entryActivity, writeEntry, type LedgerRefusal, type NewEntry } from '../money/ledger';
import { NEED_KINDS } from '../needs/needs';
import { ANSWERS, writeIdSchema } from './exchange';
import type { CollectiveId } from './identity';

export function pledgesOutMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('pledgesOut'));
}
const NEED_KEY = /^([A-Za-z0-9_-]{43})\.need\.([A-Za-z0-9_-]{16,64})$/;

/** The collective and the need a need's copy key names, or null for anything else. */
export function needOf(copy: string): { owner: CollectiveId; need: NeedId } | null {
	const match = NEED_KEY.exec(copy);
	return match ? { owner: match[1] as CollectiveId, need: match[2] as NeedId } : null;
}

export function pledgeKey(giver: CollectiveId, id: string): string {
	return `${giver}.pledge.${id}`;
}

export const needKeySchema = v.pipe(v.string(), v.regex(NEED_KEY, 'not a need'));
export const amountSchema = v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1e15));
export const conditionSchema = v.nullable(v.object({ threshold: amountSchema, by: isoDate }));

const PledgeInputSchema = v.object({
	federation: idString,
	copy: needKeySchema,
	title: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120)), ''),
	/** The receiving collective's name when pledged: the giver's ledger names it. */
	ownerName: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
	kind: v.picklist(NEED_KINDS),
	unit: v.pipe(v.string(), v.trim(), v.maxLength(30)),
	amount: amountSchema,
	note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500)), ''),
	condition: v.optional(conditionSchema, null)
});
export type PledgeOutInput = v.InferInput<typeof PledgeInputSchema>;

const StoredPledgeOut = v.object({
	id: idString,
	federation: idString,
	copy: needKeySchema,
	title: v.optional(text(120), ''),
	ownerName: text(120),
	kind: v.picklist(NEED_KINDS),
	unit: text(30),
	amount: amountSchema,
	note: v.optional(text(500), ''),
	conditionThreshold: v.optional(v.nullable(amountSchema), null),
	conditionBy: v.optional(v.nullable(isoDate), null),
	createdAt: timestamp,
	createdBy: idString,
	withdrawnAt: v.optional(v.nullable(timestamp), null),
	sentOn: v.optional(v.nullable(isoDate), null),
	sentEntry: v.optional(v.nullable(idString), null),
	answer: v.optional(v.nullable(v.picklist(ANSWERS)), null),
	answerFrom: v.optional(v.nullable(writeIdSchema), null)
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
