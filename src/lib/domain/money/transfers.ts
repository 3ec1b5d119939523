/**
 * A transfer moves money between two funds of one currency (the cash box paid
 * into the bank, a budget topped up): two entries sharing a transfer id,
 * written in one transaction so that no replica ever sees one leg alone.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { newId, type LedgerEntryId, type MemberId } from '../core/ids';
import { checkTarget, noteText, positiveAmount, writeEntry, type LedgerRefusal, type TransferId } from './ledger';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, entityId, isoDate } from '../core/schema';

const TransferInput = v.object({
	fromFundId: entityId<'fund'>(),
	toFundId: entityId<'fund'>(),
	amount: positiveAmount,
	date: isoDate,
	note: noteText,
	decisionId: v.optional(v.nullable(entityId<'decision'>()), null)
});
export type TransferInput = v.InferInput<typeof TransferInput>;

export type TransferResult =
	| { ok: true; transferId: TransferId; outId: LedgerEntryId; inId: LedgerEntryId }
	| InvalidField
	| Refusal<LedgerRefusal | 'same_fund'>;

export function transferFunds(doc: Y.Doc, input: TransferInput, by: MemberId, now = Date.now()): TransferResult {
	const checked = checkInput(TransferInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	if (fields.fromFundId === fields.toFundId) return { ok: false, reason: 'same_fund' };
	const from = checkTarget(doc, fields.fromFundId, undefined, null);
	if (typeof from === 'string') return { ok: false, reason: from };
	const to = checkTarget(doc, fields.toFundId, from.currency, null);
	if (typeof to === 'string') return { ok: false, reason: to };

	const transferId = newId<'transfer'>();
	const outId = newId<'ledger-entry'>();
	const inId = newId<'ledger-entry'>();
	const common = {
		date: fields.date,
		amount: fields.amount,
		currency: from.currency,
		category: 'transfer' as const,
		note: fields.note,
		decisionId: fields.decisionId,
		transferId
	};
	doc.transact(() => {
		writeEntry(doc, outId, { ...common, fundId: from.id, direction: 'out' }, by, now);
		writeEntry(doc, inId, { ...common, fundId: to.id, direction: 'in' }, by, now);
		recordActivity(doc, {
			at: now,
			by,
			action: 'ledger.transferred',
			subjectKind: 'ledger',
			subjectId: outId,
			decisionId: fields.decisionId,
			summary: from.name,
			data: { amount: fields.amount, currency: from.currency, to: to.name }
		});
	}, LOCAL_ORIGIN);
	return { ok: true, transferId, outId, inId };
}
