/**
 * Closing a decision: an outcome, a statement, who and when.
 *
 * Two devices may close the same decision offline, even with different
 * outcomes. Each closing is kept under its own id; the decision is closed as
 * soon as one exists. Until people settle it, the outcome shown is the
 * earliest closing (by time, then id), the same on every replica, and
 * `conflictingClosings` lists the decisions whose closings disagree.
 * `resolveClosing` records which one stands.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { executeAllocations, type EffectReport } from './allocations';
import { findDecision, readDecision } from './read';
import { OUTCOMES, type Allocation, type Closing, type ClosingId, type Decision } from './schema';
import { newId, type DecisionId, type MemberId } from '../core/ids';
import { compareIds } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { decisionsMap, isoDate, LOCAL_ORIGIN } from '../core/schema';

const ClosingInput = v.object({
	outcome: v.picklist(OUTCOMES),
	/** What was decided, in the collective's words. */
	statement: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(4000)), ''),
	/** Sets the review date at the same time; left out, it stays as it was. */
	reviewOn: v.optional(v.nullable(isoDate))
});
export type ClosingInput = v.InferInput<typeof ClosingInput>;

export type CloseResult =
	| { ok: true; closingId: ClosingId; effects: EffectReport[] }
	| InvalidField
	| Refusal<'not_found'>
	| Refusal<'already_closed', { closing: Closing }>;

/**
 * Closes the decision. When adopted, its allocations are carried out in the
 * same transaction; the report says which were done, which were already
 * there (another device adopted it too), and which this device could not
 * carry out: those stay pending, shown in the results, and `applyAllocations`
 * tries them again.
 */
export function closeDecision(
	doc: Y.Doc,
	id: DecisionId,
	input: ClosingInput,
	by: MemberId,
	now = Date.now()
): CloseResult {
	const checked = checkInput(ClosingInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const { entry, parts, decision } = found;
	if (decision.closing) return { ok: false, reason: 'already_closed', closing: decision.closing };
	const closingId = newId<'closing'>();
	let effects: EffectReport[] = [];
	doc.transact(() => {
		const closing: Closing = { id: closingId, outcome: fields.outcome, statement: fields.statement, by, at: now };
		parts.closings.set(closingId, closing);
		if (fields.reviewOn !== undefined && entry.get('reviewOn') !== fields.reviewOn) entry.set('reviewOn', fields.reviewOn);
		recordActivity(doc, {
			at: now,
			by,
			action: 'decision.closed',
			subjectKind: 'decision',
			subjectId: id,
			decisionId: id,
			summary: decision.title
		});
		if (fields.outcome === 'adopted') effects = executeAllocations(doc, parts, decision, by, now);
	}, LOCAL_ORIGIN);
	return { ok: true, closingId, effects };
}

/** Closes as adopted, carrying out the allocations. */
export function adoptDecision(
	doc: Y.Doc,
	id: DecisionId,
	input: Omit<ClosingInput, 'outcome'>,
	by: MemberId,
	now = Date.now()
): CloseResult {
	return closeDecision(doc, id, { ...input, outcome: 'adopted' }, by, now);
}

export type ApplyResult = { ok: true; effects: EffectReport[] } | Refusal<'not_adopted' | 'not_found'>;

/**
 * Carries out the allocations of an adopted decision that are still pending:
 * refused at adoption, or declared on a device that had not seen the
 * adoption. Safe to run again: an effect already here is not written twice.
 */
export function applyAllocations(doc: Y.Doc, id: DecisionId, by: MemberId, now = Date.now()): ApplyResult {
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const { parts, decision } = found;
	if (decision.closing?.outcome !== 'adopted') return { ok: false, reason: 'not_adopted' };
	let effects: EffectReport[] = [];
	doc.transact(() => {
		effects = executeAllocations(doc, parts, decision, by, now);
		if (effects.some((e) => e.status === 'done')) {
			recordActivity(doc, {
				at: now,
				by,
				action: 'decision.allocations_applied',
				subjectKind: 'decision',
				subjectId: id,
				decisionId: id,
				summary: decision.title
			});
		}
	}, LOCAL_ORIGIN);
	return { ok: true, effects };
}

export type ResolveResult =
	| {
			ok: true;
			/**
			 * Allocations carried out although the outcome kept is not an adoption:
			 * their effects (money allocated, a booking, a need closed) are for people
			 * to undo by hand, through the ledger, the booking or the need.
			 */
			executedWithoutAdoption: Allocation[];
	  }
	| Refusal<'not_found' | 'closing_not_found'>;

/**
 * Records which closing stands when several disagree. The others stay, for
 * the record. A closing that arrives later from a device that had not seen
 * this resolution makes the decision conflicting again.
 */
export function resolveClosing(
	doc: Y.Doc,
	id: DecisionId,
	closingId: ClosingId,
	by: MemberId,
	now = Date.now()
): ResolveResult {
	const found = findDecision(doc, id);
	if (!found) return { ok: false, reason: 'not_found' };
	const { entry, decision } = found;
	const kept = decision.closings.find((c) => c.id === closingId);
	if (!kept) return { ok: false, reason: 'closing_not_found' };
	doc.transact(() => {
		entry.set('resolution', { closingId, by, at: now, seen: decision.closings.map((c) => c.id) });
		recordActivity(doc, {
			at: now,
			by,
			action: 'decision.closing_resolved',
			subjectKind: 'decision',
			subjectId: id,
			decisionId: id,
			summary: decision.title
		});
	}, LOCAL_ORIGIN);
	// A role change follows the outcome kept by itself (roles.ts): only the other effects are left to undo.
	const executedWithoutAdoption =
		kept.outcome === 'adopted' ? [] : decision.allocations.filter((a) => decision.executions.has(a.id) && a.effect.kind !== 'role');
	return { ok: true, executedWithoutAdoption };
}

export interface ClosingConflict {
	decisionId: DecisionId;
	title: string;
	/** Every closing, earliest first. */
	closings: Closing[];
	/** The one shown meanwhile. */
	shown: Closing;
}

/**
 * Decisions closed more than once with different outcomes or statements,
 * not yet resolved: either no one has chosen, or a differing closing arrived
 * that the person resolving had not seen.
 */
export function conflictingClosings(doc: Y.Doc): ClosingConflict[] {
	const conflicts: ClosingConflict[] = [];
	for (const [key, value] of decisionsMap(doc).entries()) {
		const decision = readDecision(key, value);
		const shown = decision?.closing;
		if (decision && shown && hasClosingConflict(decision)) {
			conflicts.push({ decisionId: decision.id, title: decision.title, closings: decision.closings, shown });
		}
	}
	return conflicts.sort((a, b) => a.shown.at - b.shown.at || compareIds(a.decisionId, b.decisionId));
}

/** Whether the decision's closings disagree and no resolution covers them all. */
export function hasClosingConflict(decision: Pick<Decision, 'closings' | 'resolution' | 'closing'>): boolean {
	const shown = decision.closing;
	if (!shown) return false;
	const differing = decision.closings.filter((c) => c.outcome !== shown.outcome || c.statement.trim() !== shown.statement.trim());
	if (differing.length === 0) return false;
	const resolution = decision.resolution;
	if (!resolution || resolution.closingId !== shown.id) return true;
	return differing.some((c) => !resolution.seen.includes(c.id));
}
