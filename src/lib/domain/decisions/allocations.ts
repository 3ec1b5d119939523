/**
 * Allocations: what a decision does once adopted. Money out of a fund toward
 * a need or a budget line, a resource lent or booked, a need closed. They are
 * declared with the proposal or while it is open, and carried out in the
 * transaction that records the adoption, each effect carrying the decision's
 * id so that every movement can be traced back to it.
 *
 * Several devices may adopt the same decision offline. Each effect's key is
 * derived from the decision and the allocation's id (never from the device
 * or the moment), so they all write the same ledger entry and the same
 * booking, and the merge keeps one of each.
 */
import { digest } from 'lib0/hash/sha256';
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { getBooking, grantBooking, type Booking } from '../bookings/bookings';
import { findDecision, shownClosing, type Parts } from './read';
import { EffectSchema, type Allocation, type AllocationId, type Decision, type Effect, type EffectInput, type Execution } from './schema';
import { newId, toBase64Url, type BookingId, type DecisionId, type MemberId } from '../core/ids';
import { checkTarget, type LedgerEntry, type LedgerRefusal } from '../money/ledger';
import { allocateMoney, findAllocation } from '../money/allocations';
import { closeNeed, getNeed } from '../needs/needs';
import { localDate } from '../core/dates';
import { memberName } from '../space/space';
import { getResource } from '../inventory/resources';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { entityId, LOCAL_ORIGIN, membersMap } from '../core/schema';

export type EffectRefusal = LedgerRefusal | 'need_not_found' | 'resource_not_found' | 'resource_removed' | 'key_taken' | 'member_not_found';

/** The key under which the ledger records this allocation's money. */
export function allocationKey(decisionId: DecisionId, allocationId: AllocationId): string {
	return `decision/${decisionId}/${allocationId}`;
}

const bookingId = entityId<'booking'>();

/** The id of the booking this allocation grants, the same on every device. */
export function allocationBookingId(decisionId: DecisionId, allocationId: AllocationId): BookingId {
	const bytes = digest(new TextEncoder().encode(`passerelle/booking/${allocationKey(decisionId, allocationId)}`));
	return v.parse(bookingId, toBase64Url(bytes.subarray(0, 16)));
}

/** Whether an effect could be carried out on this device now; the refusal, or null. */
export function checkEffect(doc: Y.Doc, effect: Effect): EffectRefusal | null {
	switch (effect.kind) {
		case 'money': {
			const fund = checkTarget(doc, effect.fundId, effect.currency, effect.budgetLineId);
			if (typeof fund === 'string') return fund;
			return effect.needId && !getNeed(doc, effect.needId) ? 'need_not_found' : null;
		}
		case 'booking': {
			const resource = getResource(doc, effect.resourceId);
			if (!resource) return 'resource_not_found';
			return resource.removedAt !== null ? 'resource_removed' : null;
		}
		case 'close_need':
			return getNeed(doc, effect.needId) ? null : 'need_not_found';
		case 'role':
			return membersMap(doc).has(effect.memberId) ? null : 'member_not_found';
	}
}

/** Adds an allocation to a decision's allocations; call inside the transaction. */
export function writeAllocation(
	allocations: Y.Map<unknown>,
	effect: Effect,
	by: MemberId,
	now: number,
	seq = 0,
	id = newId<'allocation'>()
): AllocationId {
	const allocation = new Y.Map<unknown>();
	allocation.set('id', id);
	allocation.set('effect', { ...effect });
	allocation.set('declaredBy', by);
	allocation.set('declaredAt', now);
	allocation.set('seq', seq);
	allocation.set('withdrawnAt', null);
	allocation.set('withdrawnBy', null);
	allocations.set(id, allocation);
	return id;
}

export type AddAllocationResult =
	| { ok: true; id: AllocationId }
	| InvalidField
	| Refusal<'closed' | 'not_found'>
	/** The effect points at something this device cannot use (a fund archived, a resource removed…). */
	| Refusal<'effect_refused', { refusal: EffectRefusal }>;

/** Declares one more effect on an open decision; it must point at things this device knows. */
export function addAllocation(
	doc: Y.Doc,
	decisionId: DecisionId,
	input: EffectInput,
	by: MemberId,
	now = Date.now()
): AddAllocationResult {
	const checked = checkInput(EffectSchema, input);
	if (!checked.ok) return checked;
	const effect = checked.value;
	const found = findDecision(doc, decisionId);
	if (!found) return { ok: false, reason: 'not_found' };
	const refusal = checkEffect(doc, effect);
	if (refusal) return { ok: false, reason: 'effect_refused', refusal };
	if (found.decision.status === 'closed') return { ok: false, reason: 'closed' };
	const id = newId<'allocation'>();
	doc.transact(() => {
		writeAllocation(found.parts.allocations, effect, by, now, 0, id);
		recordActivity(doc, activity('decision.allocation_added', found.decision, by, now));
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

export type WithdrawAllocationResult = { ok: true } | Refusal<'closed' | 'already_withdrawn' | 'not_found' | 'allocation_not_found'>;

/** Takes an allocation out of an open proposal. It stays visible, marked withdrawn. */
export function withdrawAllocation(
	doc: Y.Doc,
	decisionId: DecisionId,
	allocationId: AllocationId,
	by: MemberId,
	now = Date.now()
): WithdrawAllocationResult {
	const found = findDecision(doc, decisionId);
	if (!found) return { ok: false, reason: 'not_found' };
	const allocation = found.parts.allocations.get(allocationId);
	if (!(allocation instanceof Y.Map)) return { ok: false, reason: 'allocation_not_found' };
	if (found.decision.status === 'closed') return { ok: false, reason: 'closed' };
	if (allocation.get('withdrawnAt') != null) return { ok: false, reason: 'already_withdrawn' };
	doc.transact(() => {
		allocation.set('withdrawnAt', now);
		allocation.set('withdrawnBy', by);
		recordActivity(doc, activity('decision.allocation_withdrawn', found.decision, by, now));
	}, LOCAL_ORIGIN);
	return { ok: true };
}

/** What carrying out one allocation did. */
export type EffectReport =
	| { allocationId: AllocationId; status: 'done' | 'already_done' }
	| { allocationId: AllocationId; status: 'refused'; refusal: EffectRefusal };

/**
 * Carries out every allocation still standing. Call inside the adoption's
 * transaction. An effect this device cannot carry out (a fund archived
 * since, a resource removed) is reported and stays pending; an effect
 * already here is not written again.
 */
export function executeAllocations(
	doc: Y.Doc,
	parts: Parts,
	decision: Decision,
	by: MemberId,
	now: number
): EffectReport[] {
	const reports: EffectReport[] = [];
	for (const allocation of decision.allocations) {
		if (allocation.withdrawnAt !== null) continue;
		const report = execute(doc, decision, allocation, by, now);
		reports.push(report);
		if (report.status !== 'refused' && !parts.executions.has(allocation.id)) parts.executions.set(allocation.id, { by, at: now });
	}
	return reports;
}
function execute(doc: Y.Doc, decision: Decision, allocation: Allocation, by: MemberId, now: number): EffectReport {
	const allocationId = allocation.id;
	const effect = allocation.effect;
	const refusal = checkEffect(doc, effect);
	if (refusal) return { allocationId, status: 'refused', refusal };
	let created: boolean;
	if (effect.kind === 'money') {
		const result = allocateMoney(
			doc,
			{
				allocationKey: allocationKey(decision.id, allocationId),
				fundId: effect.fundId,
				amount: effect.amount,
				currency: effect.currency,
				needId: effect.needId,
				budgetLineId: effect.budgetLineId,
				note: decision.title.slice(0, 500),
				decisionId: decision.id,
				date: localDate(new Date(now))
			},
			by,
			now
		);
		if (!result.ok) return { allocationId, status: 'refused', refusal: result.reason };
		created = result.created;
	} else if (effect.kind === 'booking') {
		created = grantBooking(
			doc,
			allocationBookingId(decision.id, allocationId),
			{ ...effect, decisionId: decision.id },
			by,
			now
		);
	} else if (effect.kind === 'close_need') {
		created = closeNeed(doc, effect.needId, by, now, decision.id).ok;
	} else {
		// The holders are read from the adopted decision itself (roles.ts): only the history line is written here.
		created = !decision.executions.has(allocationId);
		if (created) {
			recordActivity(doc, {
				at: now,
				by,
				action: effect.change === 'grant' ? 'member.role_granted' : 'member.role_revoked',
				subjectKind: 'member',
				subjectId: effect.memberId,
				decisionId: decision.id,
				summary: decision.title,
				data: { role: effect.role, to: memberName(doc, effect.memberId) ?? undefined }
			});
		}
	}
	return { allocationId, status: created ? 'done' : 'already_done' };
}

/** Allocations of an adopted decision not yet carried out anywhere this device has heard of. */
export function pendingAllocations(decision: Decision): Allocation[] {
	if (shownClosing(decision.closings, decision.resolution)?.outcome !== 'adopted') return [];
	return decision.allocations.filter((a) => a.withdrawnAt === null && !decision.executions.has(a.id));
}

/** One allocation and where its effect can be seen. */
export interface AllocationTrace {
	allocation: Allocation;
	/** Who carried it out and when, if anyone did. */
	execution: Execution | null;
	ledgerEntry: LedgerEntry | null;
	booking: Booking | null;
}

/** Every allocation of a decision with the ledger entry or booking it produced, if present here. */
export function traceAllocations(doc: Y.Doc, decision: Decision): AllocationTrace[] {
	const decisionId = decision.id;
	return decision.allocations.map((allocation) => ({
		allocation,
		execution: decision.executions.get(allocation.id) ?? null,
		ledgerEntry:
			allocation.effect.kind === 'money' ? (findAllocation(doc, allocationKey(decisionId, allocation.id)) ?? null) : null,
		booking:
			allocation.effect.kind === 'booking' ? (getBooking(doc, allocationBookingId(decisionId, allocation.id)) ?? null) : null
	}));
}

function activity(action: `decision.${string}`, decision: Decision, by: MemberId, now: number) {
	return { at: now, by, action, subjectKind: 'decision' as const, subjectId: decision.id, decisionId: decision.id, summary: decision.title };
}
