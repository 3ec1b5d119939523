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
import { recordActivity } from '../core/activity';
import { newId, type MemberId, type NeedId, type PledgeId, type ResourceId } from '../core/ids';
import { toDecimalString } from '../core/money';
import { getNeed, quantitySchema, type Need } from './needs';
import { PledgeSchema, nullable, type Pledge } from './pledge';
import { byCreation, counts, pledgeState, pledgeStates, sum, type PledgeState } from './pledge-state';
import { localDate } from '../core/dates';
import { getResource } from '../inventory/resources';
import {
	DomainError,
	LOCAL_ORIGIN,
	idString,
	isoDate,
	pledgesMap,
	readEntities,
	readEntity,
	validateInput,
	type ReadResult
} from '../core/schema';

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)), '');

const PledgeFields = v.pipe(
	v.object({
		needId: idString,
		memberId: nullable(idString),
		supporterName: optionalText(80),
		amount: v.pipe(v.number(), v.finite(), v.gtValue(0)),
		note: optionalText(500),
		resourceId: nullable(idString),
		condition: nullable(v.object({ threshold: v.pipe(v.number(), v.finite(), v.gtValue(0)), by: isoDate }))
	}),
	v.forward(
		v.partialCheck(
			[['memberId'], ['supporterName']],
			(p) => (p.memberId === null) !== (p.supporterName === ''),
			'either a member or an outside supporter’s name'
		),
		['supporterName']
	)
);
export type PledgeInput = v.InferInput<typeof PledgeFields>;

export type AddPledgeResult =
	| { ok: true; id: PledgeId }
	| { ok: false; reason: 'over_cap'; room: number }
	| { ok: false; reason: 'need_closed' };

/**
 * Records a pledge. Refuses one that would take the firm and conditional
 * pledges (plus `extraDelivered`, money that reached the need otherwise) past
 * the need's cap as this replica sees it; pledges made offline elsewhere can
 * still pass it after a merge, which `overCap` (progress.ts) reports.
 */
export function addPledge(
	doc: Y.Doc,
	input: PledgeInput,
	by: MemberId,
	now = Date.now(),
	extraDelivered = 0
): AddPledgeResult {
	const clean = validateInput(PledgeFields, input);
	const need = getNeed(doc, clean.needId as NeedId);
	if (!need) throw new DomainError('need_not_found', `No need ${clean.needId}`);
	const pledgedOn = localDate(new Date(now));
	const fits = quantitySchema(need.kind);
	if (!v.is(fits, clean.amount)) throw new DomainError('invalid_amount', `amount: not a valid quantity of ${need.unit}`);
	if (clean.condition) checkCondition(need, clean.condition, pledgedOn);
	if (clean.resourceId && !getResource(doc, clean.resourceId as ResourceId)) {
		throw new DomainError('resource_not_found', `No resource ${clean.resourceId}`);
	}
	if (need.status === 'closed') return { ok: false, reason: 'need_closed' };
	const room = roomUnderCap(doc, need, pledgedOn, extraDelivered);
	if (room !== null && clean.amount > room) return { ok: false, reason: 'over_cap', room };

	const id = newId<'pledge'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		const fields: Pledge = {
			id,
			needId: need.id,
			memberId: (clean.memberId as MemberId | null) ?? null,
			supporterName: clean.memberId ? '' : clean.supporterName,
			amount: clean.amount,
			note: clean.note,
			resourceId: (clean.resourceId as ResourceId | null) ?? null,
			conditionThreshold: clean.condition?.threshold ?? null,
			conditionBy: clean.condition?.by ?? null,
			pledgedOn,
			deliveredOn: null,
			deliveredAt: null,
			deliveredBy: null,
			withdrawnOn: null,
			withdrawnAt: null,
			withdrawnBy: null,
			withdrawReason: '',
			createdAt: now,
			createdBy: by
		};
		for (const [key, value] of Object.entries(fields)) entry.set(key, value);
		pledgesMap(doc).set(id, entry);
		recordActivity(doc, { at: now, by, action: 'pledge.created', subjectKind: 'pledge', subjectId: id, summary: pledgeLabel(clean.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

export type PledgeTransition =
	| { ok: true }
	| { ok: false; reason: 'already_delivered' | 'already_withdrawn' | 'condition_pending' | 'lapsed' };

const DeliveryInput = v.object({ deliveredOn: v.optional(isoDate) });

/** Marks a firm pledge as delivered, on the given date (today by default, never later). */
export function deliverPledge(
	doc: Y.Doc,
	id: PledgeId,
	input: v.InferInput<typeof DeliveryInput>,
	by: MemberId,
	now = Date.now()
): PledgeTransition {
	const today = localDate(new Date(now));
	const deliveredOn = validateInput(DeliveryInput, input).deliveredOn ?? today;
	if (deliveredOn > today) throw new DomainError('invalid_deliveredOn', 'deliveredOn: a date still to come');
	const { entry, pledge, need, state } = pledgeContext(doc, id, today);
	const refused = refusal(state, 'deliver');
	if (refused) return refused;
	doc.transact(() => {
		entry.set('deliveredOn', deliveredOn);
		entry.set('deliveredAt', now);
		entry.set('deliveredBy', by);
		recordActivity(doc, { at: now, by, action: 'pledge.delivered', subjectKind: 'pledge', subjectId: id, summary: pledgeLabel(pledge.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

const WithdrawalInput = v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)) });

/** Withdraws a pledge not yet delivered. It stays, with its reason and who withdrew it. */
export function withdrawPledge(
	doc: Y.Doc,
	id: PledgeId,
	input: v.InferInput<typeof WithdrawalInput>,
	by: MemberId,
	now = Date.now()
): PledgeTransition {
	const { reason } = validateInput(WithdrawalInput, input);
	const today = localDate(new Date(now));
	const { entry, pledge, need, state } = pledgeContext(doc, id, today);
	const refused = refusal(state, 'withdraw');
	if (refused) return refused;
	doc.transact(() => {
		entry.set('withdrawnOn', today);
		entry.set('withdrawnAt', now);
		entry.set('withdrawnBy', by);
		entry.set('withdrawReason', reason);
		recordActivity(doc, { at: now, by, action: 'pledge.withdrawn', subjectKind: 'pledge', subjectId: id, summary: pledgeLabel(pledge.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

export function getPledge(doc: Y.Doc, id: PledgeId): Pledge | undefined {
	return readEntity(id, pledgesMap(doc).get(id), PledgeSchema) as Pledge | undefined;
}

export interface PledgeFilter {
	needId?: NeedId;
	memberId?: MemberId;
}

/** In order of creation (oldest first, ties by id): the order in which a cap fills. */
export function listPledges(doc: Y.Doc, filter: PledgeFilter = {}): ReadResult<Pledge> {
	const { items, unreadable } = readEntities(pledgesMap(doc), PledgeSchema) as ReadResult<Pledge>;
	const kept = items.filter(
		(p) => (!filter.needId || p.needId === filter.needId) && (!filter.memberId || p.memberId === filter.memberId)
	);
	return { items: byCreation(kept), unreadable };
}

/**
 * The pledges of a need, skipping and counting those whose amounts do not fit
 * its unit (a fraction of a cent written by a buggy client).
 */
export function pledgesOfNeed(doc: Y.Doc, need: Need): ReadResult<Pledge> {
	const { items, unreadable } = listPledges(doc, { needId: need.id });
	const kept = items.filter((p) => fitsNeed(need, p));
	return { items: kept, unreadable: unreadable + items.length - kept.length };
}

/** Whether the pledge's amount and threshold are valid quantities of the need's unit. */
export function fitsNeed(need: Pick<Need, 'kind'>, pledge: Pledge): boolean {
	const fits = quantitySchema(need.kind);
	return v.is(fits, pledge.amount) && (pledge.conditionThreshold === null || v.is(fits, pledge.conditionThreshold));
}

/** A pledge's entry, its reading, its need and its state today; throws for an unknown or unreadable pledge. */
export function pledgeContext(doc: Y.Doc, id: PledgeId, today: string) {
	const entry = pledgesMap(doc).get(id);
	if (!(entry instanceof Y.Map)) throw new DomainError('pledge_not_found', `No pledge ${id}`);
	const pledge = getPledge(doc, id);
	const need = pledge && getNeed(doc, pledge.needId);
	if (!pledge || !need) throw new DomainError('pledge_unreadable', `Pledge ${id} cannot be read`);
	const state = pledgeState(pledge, need, pledgesOfNeed(doc, need).items, today);
	return { entry, pledge, need, state };
}

function refusal(state: PledgeState, move: 'deliver' | 'withdraw'): PledgeTransition | null {
	if (state === 'delivered') return { ok: false, reason: 'already_delivered' };
	if (state === 'withdrawn') return { ok: false, reason: 'already_withdrawn' };
	if (state === 'lapsed') return { ok: false, reason: 'lapsed' };
	if (state === 'conditional' && move === 'deliver') return { ok: false, reason: 'condition_pending' };
	return null;
}

/**
 * What the need's cap leaves for more pledges today (null without a cap): the cap less
 * the pledges that count and `extraDelivered`, leaving out the pledge `except` (one
 * being edited).
 */
export function roomUnderCap(doc: Y.Doc, need: Need, today: string, extraDelivered = 0, except?: PledgeId): number | null {
	if (need.cap === null) return null;
	const all = pledgesOfNeed(doc, need).items;
	const states = pledgeStates(need, all, today);
	const counted = all.filter((p) => p.id !== except && counts(states.get(p.id) ?? 'withdrawn')).map((p) => p.amount);
	return Math.max(0, sum([need.cap, -sum([extraDelivered, ...counted])]));
}

/** Throws unless the threshold is a quantity of the need's unit and the date is not before `today`. */
export function checkCondition(need: Need, condition: { threshold: number; by: string }, today: string): void {
	if (!v.is(quantitySchema(need.kind), condition.threshold)) {
		throw new DomainError('invalid_condition.threshold', `condition.threshold: not a valid quantity of ${need.unit}`);
	}
	if (condition.by < today) throw new DomainError('invalid_condition.by', 'condition.by: a date already past');
}

/** How a pledge of `amount` toward `need` reads in the history. */
export function pledgeLabel(amount: number, need: Need): string {
	const quantity = need.kind === 'money' ? toDecimalString(amount, need.unit) : String(amount);
	return `${quantity} ${need.unit} · ${need.title}`;
}
