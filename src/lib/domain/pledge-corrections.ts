/**
 * Corrections to a pledge: its amount or note changed while it is still a promise, and a
 * delivery or a withdrawal taken back when it was marked by mistake. Each correction is
 * one transaction with its own history line, so the history shows what was first
 * recorded and what replaced it.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { recordActivity } from './activity';
import type { MemberId, PledgeId } from './ids';
import { MAX_AMOUNT, toDecimalString } from './money';
import { quantitySchema } from './needs';
import { pledgeContext, pledgeLabel, roomUnderCap } from './pledges';
import { localDate } from './resources';
import { DomainError, LOCAL_ORIGIN, validateInput } from './schema';

export type PledgeMark = 'delivery' | 'withdrawal';

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
): { ok: true } | { ok: false; reason: 'not_marked' } {
	const { entry, pledge, need } = pledgeContext(doc, id, localDate(new Date(now)));
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
		recordActivity(doc, { at: now, by, action, subjectKind: 'pledge', subjectId: id, summary: pledgeLabel(pledge.amount, need) });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

const EditInput = v.object({
	amount: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(MAX_AMOUNT))),
	note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500)))
});

export type EditPledgeResult =
	| { ok: true }
	| { ok: false; reason: 'not_a_promise' }
	| { ok: false; reason: 'over_cap'; room: number };

/**
 * Changes the amount or the note of a pledge that is still a promise (promised,
 * conditional or converted): what was delivered, withdrawn or has lapsed stays as it
 * was recorded; undo the mark first. A larger amount must fit under the need's cap.
 */
export function editPledge(
	doc: Y.Doc,
	id: PledgeId,
	input: v.InferInput<typeof EditInput>,
	by: MemberId,
	now = Date.now()
): EditPledgeResult {
	const changes = validateInput(EditInput, input);
	const today = localDate(new Date(now));
	const { entry, pledge, need, state } = pledgeContext(doc, id, today);
	if (changes.amount !== undefined && !v.is(quantitySchema(need.kind), changes.amount)) {
		throw new DomainError('invalid_amount', `amount: not a valid quantity of ${need.unit}`);
	}
	if (state !== 'promised' && state !== 'conditional' && state !== 'converted') return { ok: false, reason: 'not_a_promise' };
	const amount = changes.amount ?? pledge.amount;
	const note = changes.note ?? pledge.note;
	if (amount === pledge.amount && note === pledge.note) return { ok: true };
	if (amount > pledge.amount) {
		const room = roomUnderCap(doc, need, today, 0, id);
		if (room !== null && amount > room) return { ok: false, reason: 'over_cap', room };
	}
	const quantity = (n: number) => (need.kind === 'money' ? toDecimalString(n, need.unit) : String(n));
	const summary =
		amount === pledge.amount ? pledgeLabel(amount, need) : `${quantity(pledge.amount)} → ${pledgeLabel(amount, need)}`;
	doc.transact(() => {
		if (amount !== pledge.amount) entry.set('amount', amount);
		if (note !== pledge.note) entry.set('note', note);
		recordActivity(doc, { at: now, by, action: 'pledge.edited', subjectKind: 'pledge', subjectId: id, summary });
	}, LOCAL_ORIGIN);
	return { ok: true };
}
