/**
 * Corrections to a pledge: its amount or note changed while it is still a promise, and a
 * delivery or a withdrawal taken back when it was marked by mistake. Each correction is
 * one transaction with its own history line, so the history shows what was first
 * recorded and what replaced it.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import type { MemberId, PledgeId } from '../core/ids';
import { MAX_AMOUNT } from '../core/money';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import {
	checkCondition,
	checkQuantity,
	pledgeContext,
	pledgeActivity,
	pledgeRoom,
	type ConditionPast,
	type OverCap,
	type PledgeNotFound
} from './pledges';
import { localDate } from '../core/dates';
import { LOCAL_ORIGIN, isoDate } from '../core/schema';

export type PledgeMark = 'delivery' | 'withdrawal';

export type UndoMarkResult = { ok: true } | Refusal<'not_marked'> | PledgeNotFound;

/**
 * Takes back a delivery or a withdrawal marked by mistake. The pledge goes back to the
 * state its other marks and its need give it. On a contested pledge (both marks, from
 * two phones), undoing one settles it.
 */
export function undoPledgeMark(
	doc: Y.Doc,
	id: PledgeId,
	mark: PledgeMark,
	by: MemberId,
	now = Date.now()
): UndoMarkResult {
	const context = pledgeContext(doc, id, localDate(new Date(now)));
	if (!context.ok) return context;
	const { entry, pledge, need } = context;
	const marked = mark === 'delivery' ? pledge.deliveredOn : pledge.withdrawnOn;
	if (marked === null) return { ok: false, reason: 'not_marked' };
	doc.transact(() => {
		if (mark === 'delivery') {
			for (const key of ['deliveredOn', 'deliveredAt', 'deliveredBy'] as const) entry.set(key, null);
		} else {
			for (const key of ['withdrawnOn', 'withdrawnAt', 'withdrawnBy'] as const) entry.set(key, null);
			entry.set('withdrawReason', '');
		}
		const action = mark === 'delivery' ? 'pledge.delivery_undone' : 'pledge.withdrawal_undone';
		recordActivity(doc, { at: now, by, action, subjectKind: 'pledge', subjectId: id, ...pledgeActivity(pledge.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

const EditInput = v.object({
	amount: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(MAX_AMOUNT))),
	note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500))),
	/** The name of an outside supporter, corrected (a member's own pledge has none). */
	supporterName: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80))),
	/** A new condition, or null to make the pledge firm; left out, it stays as it is. */
	condition: v.optional(
		v.nullable(
			v.object({
				threshold: v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(MAX_AMOUNT)),
				by: isoDate
			})
		)
	)
});

export type EditPledgeResult =
	| { ok: true }
	| InvalidField
	| PledgeNotFound
	| Refusal<'not_a_promise'>
	| ConditionPast
	| OverCap;

/**
 * Changes the amount, the note, the supporter's name or the condition of a pledge that is still a promise
 * (promised, conditional or converted): what was delivered, withdrawn or has lapsed
 * stays as it was recorded; undo the mark first. A larger amount must fit under the
 * need's cap. A new condition needs a date still to come; an unchanged one may have
 * passed (a converted pledge keeps its date when only its note changes).
 */
export function editPledge(
	doc: Y.Doc,
	id: PledgeId,
	input: v.InferInput<typeof EditInput>,
	by: MemberId,
	now = Date.now()
): EditPledgeResult {
	const checked = checkInput(EditInput, input);
	if (!checked.ok) return checked;
	const changes = checked.value;
	const today = localDate(new Date(now));
	const context = pledgeContext(doc, id, today);
	if (!context.ok) return context;
	const { entry, pledge, need, state } = context;
	if (changes.amount !== undefined) {
		const problem = checkQuantity(need, 'amount', changes.amount);
		if (problem) return problem;
	}
	const before =
		pledge.conditionThreshold === null || pledge.conditionBy === null
			? null
			: { threshold: pledge.conditionThreshold, by: pledge.conditionBy };
	const condition = changes.condition === undefined ? before : changes.condition;
	const conditionChanged = condition?.threshold !== before?.threshold || condition?.by !== before?.by;
	if (conditionChanged && condition !== null) {
		const problem = checkCondition(need, condition, today);
		if (problem) return problem;
	}
	if (changes.supporterName !== undefined && pledge.memberId !== null) {
		// A member's own pledge has no supporter name to correct.
		return { ok: false, reason: 'invalid_field', field: 'supporterName', problem: 'malformed', limit: null };
	}
	if (state !== 'promised' && state !== 'conditional' && state !== 'converted') return { ok: false, reason: 'not_a_promise' };
	const amount = changes.amount ?? pledge.amount;
	const note = changes.note ?? pledge.note;
	const supporterName = changes.supporterName ?? pledge.supporterName;
	const unchanged = amount === pledge.amount && note === pledge.note && supporterName === pledge.supporterName;
	if (unchanged && !conditionChanged) return { ok: true };
	if (amount > pledge.amount) {
		const room = pledgeRoom(doc, need, today, { excluding: id });
		if (room !== null && amount > room) return { ok: false, reason: 'over_cap', room };
	}
	// The condition's threshold and date are one field to a person: they are noted together.
	const edits: FieldChange[] = [];
	if (amount !== pledge.amount) edits.push({ field: 'amount', from: pledge.amount, to: amount });
	if (note !== pledge.note) edits.push({ field: 'note', from: pledge.note, to: note });
	if (supporterName !== pledge.supporterName) edits.push({ field: 'supporterName', from: pledge.supporterName, to: supporterName });
	if (conditionChanged) edits.push({ field: 'condition', from: before, to: condition ? { threshold: condition.threshold, by: condition.by } : null });
	doc.transact(() => {
		if (amount !== pledge.amount) entry.set('amount', amount);
		if (note !== pledge.note) entry.set('note', note);
		if (supporterName !== pledge.supporterName) entry.set('supporterName', supporterName);
		if (conditionChanged) {
			entry.set('conditionThreshold', condition?.threshold ?? null);
			entry.set('conditionBy', condition?.by ?? null);
		}
		recordEdits(doc, 'pledge', id, edits, by, now);
		recordActivity(doc, { at: now, by, action: 'pledge.edited', subjectKind: 'pledge', subjectId: id, ...pledgeActivity(amount, need), changes: edits });
	}, LOCAL_ORIGIN);
	return { ok: true };
}
