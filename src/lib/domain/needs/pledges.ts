/**
 * Pledges: promises of money, goods, time or space toward a need, in the
 * need's unit, from a member or from an outside supporter named by hand.
 *
 * A pledge's state is never stored. Delivery and withdrawal are marks (a date,
 * who, when) and the state is derived from the marks, the need, and the other
 * pledges of the need, so every replica computes the same state whatever
 * order the updates arrived in. Two offline phones marking one pledge
 * delivered and withdrawn both keep their mark: delivery wins (the thing
 * arrived) and the pledge is flagged as contested for people to look at.
 *
 * What a pledge holds is in pledge.ts; how states and totals are derived is
 * in pledge-state.ts.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity, type ActivityInput } from '../core/activity';
import { derivedViews } from '../core/derived';
import { newId, type LedgerEntryId, type MemberId, type NeedId, type PledgeId } from '../core/ids';
import { checkTarget, derivedEntryId, entryActivity, writeEntry, type Counterparty, type LedgerRefusal, type NewEntry } from '../money/ledger';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { getNeed, quantitySchema, type Need, type NeedNotFound } from './needs';
import { allocatedToNeed } from './need-funding';
import { PledgeSchema, nullable, type Pledge } from './pledge';
import { byCreation, counts, pledgeState, pledgeStates, sum, type PledgeState } from './pledge-state';
import { localDate } from '../core/dates';
import { getResource } from '../inventory/resources';
import { LOCAL_ORIGIN, entityId, isoDate, ledgerMap, pledgesMap, readEntities, readEntity, setRecorded, type ReadResult } from '../core/schema';

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)), '');

const PledgeFields = v.pipe(
	v.object({
		needId: entityId<'need'>(),
		memberId: nullable(entityId<'member'>()),
		supporterName: optionalText(80),
		amount: v.pipe(v.number(), v.finite(), v.gtValue(0)),
		note: optionalText(500),
		resourceId: nullable(entityId<'resource'>()),
		condition: nullable(v.object({ threshold: v.pipe(v.number(), v.finite(), v.gtValue(0)), by: isoDate }))
	}),
	v.forward(
		v.partialCheck([['memberId'], ['supporterName']], (p) => (p.memberId === null) !== (p.supporterName === '')),
		['supporterName']
	)
);
export type PledgeInput = v.InferInput<typeof PledgeFields>;

/** The pledge is not on this device: never made here, or its need cannot be read. */
export type PledgeNotFound = Refusal<'pledge_not_found'>;
/** Pledges past the cap are refused; `room` is what the cap still leaves. */
export type OverCap = Refusal<'over_cap', { room: number }>;
/** A condition dated before today could never be met. */
export type ConditionPast = Refusal<'condition_past'>;

export type AddPledgeResult =
	| { ok: true; id: PledgeId }
	| InvalidField
	| NeedNotFound
	| Refusal<'resource_not_found'>
	| Refusal<'need_closed'>
	| ConditionPast
	| OverCap;

/**
 * Records a pledge. Refuses one that would take the firm and conditional
 * pledges, and the money allocated to the need, past its cap as this replica
 * sees it (`pledgeRoom`); pledges made offline elsewhere can still pass it
 * after a merge, which `overCap` (progress.ts) reports.
 */
export function addPledge(doc: Y.Doc, input: PledgeInput, by: MemberId, now = Date.now()): AddPledgeResult {
	const checked = checkInput(PledgeFields, input);
	if (!checked.ok) return checked;
	const clean = checked.value;
	const need = getNeed(doc, clean.needId);
	if (!need) return { ok: false, reason: 'need_not_found' };
	const pledgedOn = localDate(new Date(now));
	const amountProblem = checkQuantity(need, 'amount', clean.amount);
	if (amountProblem) return amountProblem;
	if (clean.condition) {
		const conditionProblem = checkCondition(need, clean.condition, pledgedOn);
		if (conditionProblem) return conditionProblem;
	}
	if (clean.resourceId && !getResource(doc, clean.resourceId)) return { ok: false, reason: 'resource_not_found' };
	if (need.status === 'closed') return { ok: false, reason: 'need_closed' };
	const room = pledgeRoom(doc, need, pledgedOn);
	if (room !== null && clean.amount > room) return { ok: false, reason: 'over_cap', room };

	const id = newId<'pledge'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		// Marks not yet made (delivery, withdrawal) and texts left empty read as null and '' (PledgeSchema).
		setRecorded(entry, {
			needId: need.id,
			memberId: clean.memberId,
			supporterName: clean.memberId ? '' : clean.supporterName,
			amount: clean.amount,
			note: clean.note,
			resourceId: clean.resourceId,
			conditionThreshold: clean.condition?.threshold ?? null,
			conditionBy: clean.condition?.by ?? null,
			pledgedOn,
			createdAt: now,
			createdBy: by
		});
		pledgesMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'pledge.created', subjectKind: 'pledge', subjectId: id, ...pledgeActivity(clean.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

/** Another collective's pledge, as the receiving collective's bridge reads it from a federation. */
export interface ReceivedPledge {
	needId: NeedId;
	amount: number;
	note: string;
	condition: { threshold: number; by: string } | null;
	/** The giving collective's name, from its verified directory entry. */
	name: string;
	federation: { space: string; collective: string; pledge: string };
}

/**
 * Writes another collective's pledge under an id derived from its record, so
 * that two delegates' devices carrying it write one pledge. Its cap is not
 * checked here: a pledge made elsewhere is a fact to show, and one past the
 * cap is reported as such (`overCap`). Does nothing when it is already here.
 */
export function receivePledge(doc: Y.Doc, id: PledgeId, pledge: ReceivedPledge, by: MemberId, now: number): boolean {
	if (pledgesMap(doc).has(id)) return false;
	const need = getNeed(doc, pledge.needId);
	if (!need) return false;
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		setRecorded(entry, {
			needId: need.id,
			memberId: null,
			supporterName: pledge.name.slice(0, 80),
			amount: pledge.amount,
			note: pledge.note.slice(0, 500),
			resourceId: null,
			conditionThreshold: pledge.condition?.threshold ?? null,
			conditionBy: pledge.condition?.by ?? null,
			pledgedOn: localDate(new Date(now)),
			createdAt: now,
			createdBy: by,
			federation: { ...pledge.federation }
		});
		pledgesMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'pledge.created', subjectKind: 'pledge', subjectId: id, ...pledgeActivity(pledge.amount, need) });
	}, LOCAL_ORIGIN);
	return true;
}

/** Why a pledge's state no longer allows a delivery or a withdrawal. */
export type StateRefusal = Refusal<'already_delivered' | 'already_withdrawn' | 'condition_pending' | 'lapsed'>;

export type DeliveryResult =
	| { ok: true; entryId?: LedgerEntryId }
	| InvalidField
	| PledgeNotFound
	| Refusal<'delivery_ahead' | 'not_money' | LedgerRefusal>
	| StateRefusal;
export type WithdrawalResult = { ok: true } | InvalidField | PledgeNotFound | StateRefusal;

const DeliveryInput = v.object({
	deliveredOn: v.optional(isoDate),
	/** The fund the money went into: its entry is written with the delivery. Money pledges only. */
	fundId: v.optional(v.nullable(entityId<'fund'>()), null)
});

/**
 * Marks a firm pledge as delivered, on the given date (today by default,
 * never later). With a fund, the money is recorded in it in the same
 * transaction, as a donation earmarked for the need and tied to the pledge,
 * under an id derived from the pledge: two phones delivering it offline write
 * one entry, and the need counts that money once (need-funding.ts).
 */
export function deliverPledge(
	doc: Y.Doc,
	id: PledgeId,
	input: v.InferInput<typeof DeliveryInput>,
	by: MemberId,
	now = Date.now()
): DeliveryResult {
	const today = localDate(new Date(now));
	const checked = checkInput(DeliveryInput, input);
	if (!checked.ok) return checked;
	const deliveredOn = checked.value.deliveredOn ?? today;
	if (deliveredOn > today) return { ok: false, reason: 'delivery_ahead' };
	const context = pledgeContext(doc, id, today);
	if (!context.ok) return context;
	const { entry, pledge, need, state } = context;
	const refused = refusal(state, 'deliver');
	if (refused) return refused;
	const fundId = checked.value.fundId;
	if (fundId && need.kind !== 'money') return { ok: false, reason: 'not_money' };
	const fund = fundId ? checkTarget(doc, fundId, need.unit, null) : null;
	if (typeof fund === 'string') return { ok: false, reason: fund };
	const entryId = fund ? derivedEntryId('pledge', id) : null;
	doc.transact(() => {
		entry.set('deliveredOn', deliveredOn);
		entry.set('deliveredAt', now);
		entry.set('deliveredBy', by);
		recordActivity(doc, { at: now, by, action: 'pledge.delivered', subjectKind: 'pledge', subjectId: id, ...pledgeActivity(pledge.amount, need) });
		// Delivered before, undone, delivered again: its money is already in the ledger.
		if (!fund || !entryId || ledgerMap(doc).has(entryId)) return;
		const counterparty: Counterparty = pledge.memberId
			? { kind: 'member', memberId: pledge.memberId }
			: { kind: 'outside', name: pledge.supporterName.slice(0, 120) };
		const money: NewEntry = {
			fundId: fund.id,
			date: deliveredOn,
			amount: pledge.amount,
			currency: fund.currency,
			direction: 'in',
			category: 'donation',
			counterparty,
			needId: need.id,
			pledgeId: id,
			// The giving collective's entry for this money carries the same reference.
			reference: pledge.federation?.pledge ?? null
		};
		writeEntry(doc, entryId, money, by, now);
		recordActivity(doc, entryActivity('ledger.created', entryId, money, fund, by, now));
	}, LOCAL_ORIGIN);
	return entryId ? { ok: true, entryId } : { ok: true };
}

const WithdrawalInput = v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)) });

/** Withdraws a pledge not yet delivered. It stays, with its reason and who withdrew it. */
export function withdrawPledge(
	doc: Y.Doc,
	id: PledgeId,
	input: v.InferInput<typeof WithdrawalInput>,
	by: MemberId,
	now = Date.now()
): WithdrawalResult {
	const checked = checkInput(WithdrawalInput, input);
	if (!checked.ok) return checked;
	const { reason } = checked.value;
	const today = localDate(new Date(now));
	const context = pledgeContext(doc, id, today);
	if (!context.ok) return context;
	const { entry, pledge, need, state } = context;
	const refused = refusal(state, 'withdraw');
	if (refused) return refused;
	doc.transact(() => {
		entry.set('withdrawnOn', today);
		entry.set('withdrawnAt', now);
		entry.set('withdrawnBy', by);
		entry.set('withdrawReason', reason);
		recordActivity(doc, { at: now, by, action: 'pledge.withdrawn', subjectKind: 'pledge', subjectId: id, ...pledgeActivity(pledge.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

export function getPledge(doc: Y.Doc, id: PledgeId): Pledge | undefined {
	return readEntity(id, pledgesMap(doc).get(id), PledgeSchema);
}

export interface PledgeFilter {
	needId?: NeedId;
	memberId?: MemberId;
}

/** In order of creation (oldest first, ties by id): the order in which a cap fills. */
export function listPledges(doc: Y.Doc, filter: PledgeFilter = {}): ReadResult<Pledge> {
	const { items, unreadable } = readEntities(pledgesMap(doc), PledgeSchema);
	const kept = items.filter(
		(p) => (!filter.needId || p.needId === filter.needId) && (!filter.memberId || p.memberId === filter.memberId)
	);
	return { items: byCreation(kept), unreadable };
}

/**
 * Every pledge grouped by its need, each group in order of creation, kept
 * until a pledge changes: the needs list asks for the pledges of every need,
 * and reading the whole collection once per need made it quadratic.
 */
function pledgesByNeed(doc: Y.Doc): { byNeed: ReadonlyMap<string, readonly Pledge[]>; unreadable: number } {
	return derivedViews(doc).get('needs:pledgesByNeed', () => {
		const { items, unreadable } = listPledges(doc);
		const byNeed = new Map<string, Pledge[]>();
		for (const pledge of items) {
			const group = byNeed.get(pledge.needId);
			if (group) group.push(pledge);
			else byNeed.set(pledge.needId, [pledge]);
		}
		return { byNeed, unreadable };
	});
}

/**
 * The pledges of a need, skipping and counting those whose amounts do not fit
 * its unit (a fraction of a cent written by a buggy client).
 */
export function pledgesOfNeed(doc: Y.Doc, need: Need): ReadResult<Pledge> {
	const { byNeed, unreadable } = pledgesByNeed(doc);
	const items = byNeed.get(need.id) ?? [];
	const kept = items.filter((p) => fitsNeed(need, p));
	return { items: kept, unreadable: unreadable + items.length - kept.length };
}

/** Whether the pledge's amount and threshold are valid quantities of the need's unit. */
export function fitsNeed(need: Pick<Need, 'kind'>, pledge: Pledge): boolean {
	const fits = quantitySchema(need.kind);
	return v.is(fits, pledge.amount) && (pledge.conditionThreshold === null || v.is(fits, pledge.conditionThreshold));
}

/** A pledge's entry, its reading, its need and its state today. */
export function pledgeContext(doc: Y.Doc, id: PledgeId, today: string) {
	const entry = pledgesMap(doc).get(id);
	const pledge = getPledge(doc, id);
	const need = pledge && getNeed(doc, pledge.needId);
	if (!(entry instanceof Y.Map) || !pledge || !need) return { ok: false, reason: 'pledge_not_found' } as const;
	const state = pledgeState(pledge, need, pledgesOfNeed(doc, need).items, today);
	return { ok: true, entry, pledge, need, state } as const;
}

function refusal(state: PledgeState, move: 'deliver' | 'withdraw'): StateRefusal | null {
	if (state === 'delivered') return { ok: false, reason: 'already_delivered' };
	if (state === 'withdrawn') return { ok: false, reason: 'already_withdrawn' };
	if (state === 'lapsed') return { ok: false, reason: 'lapsed' };
	if (state === 'conditional' && move === 'deliver') return { ok: false, reason: 'condition_pending' };
	return null;
}

/**
 * What the need's cap leaves for more pledges today (null without a cap): the
 * cap less the pledges that count and the money allocated to the need, leaving
 * out the pledge `excluding` (one being edited, whose new amount must fit).
 * The one rule for adding a pledge and for changing one.
 */
export function pledgeRoom(doc: Y.Doc, need: Need, today: string, options: { excluding?: PledgeId } = {}): number | null {
	if (need.cap === null) return null;
	const all = pledgesOfNeed(doc, need).items;
	const states = pledgeStates(need, all, today);
	const counted = all
		.filter((p) => p.id !== options.excluding && counts(states.get(p.id) ?? 'withdrawn'))
		.map((p) => p.amount);
	return Math.max(0, sum([need.cap, -sum([allocatedToNeed(doc, need.id), ...counted])]));
}

/** A refusal unless `value` is a valid quantity of the need's unit (whole cents for money). */
export function checkQuantity(need: Need, field: 'amount' | 'threshold', value: number): InvalidField | null {
	const checked = checkInput(v.object({ [field]: quantitySchema(need.kind) }), { [field]: value });
	if (checked.ok) return null;
	return field === 'threshold' ? { ...checked, field: 'condition.threshold' } : checked;
}

/** A refusal unless the threshold is a quantity of the need's unit and the date is not before `today`. */
export function checkCondition(
	need: Need,
	condition: { threshold: number; by: string },
	today: string
): InvalidField | ConditionPast | null {
	const problem = checkQuantity(need, 'threshold', condition.threshold);
	if (problem) return problem;
	return condition.by < today ? { ok: false, reason: 'condition_past' } : null;
}

/** What the history keeps of a pledge of `amount` toward `need`: the need's title, the amount and its currency or unit. */
export function pledgeActivity(amount: number, need: Need): Pick<ActivityInput, 'summary' | 'data'> {
	const data = need.kind === 'money' ? { amount, currency: need.unit } : { quantity: amount, unit: need.unit };
	return { summary: need.title, data };
}
