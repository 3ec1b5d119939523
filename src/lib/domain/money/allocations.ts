/**
 * Allocations: money a decision sends out of a fund, toward a need or a
 * budget line. The decisions module executes an adopted decision by calling
 * `allocateMoney`; it may run on several devices, offline, more than once.
 * The entry's key is derived from the allocation key, so every execution
 * writes the same key and a merge leaves exactly one entry.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import type { LedgerEntryId, MemberId } from '../core/ids';
import {
	checkTarget,
	derivedEntryId,
	entryActivity,
	getEntry,
	noteText,
	positiveAmount,
	writeEntry,
	type LedgerEntry,
	type LedgerRefusal
} from './ledger';
import { checkInput, type Refusal } from '../core/refusals';
import { DomainError, LOCAL_ORIGIN, currencyCode, entityId, isoDate, ledgerMap } from '../core/schema';

const AllocationInput = v.object({
	/** Names the effect, not the attempt: e.g. the decision id and the effect's index. */
	allocationKey: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
	fundId: entityId<'fund'>(),
	amount: positiveAmount,
	currency: currencyCode,
	needId: v.optional(v.nullable(entityId<'need'>()), null),
	budgetLineId: v.optional(v.nullable(entityId<'budget-line'>()), null),
	note: noteText,
	decisionId: entityId<'decision'>(),
	date: isoDate
});
export type AllocationInput = v.InferInput<typeof AllocationInput>;

export type AllocationResult = { ok: true; id: LedgerEntryId; created: boolean } | Refusal<LedgerRefusal | 'key_taken'>;

/**
 * Writes the allocation's 'allocation' out entry, once. When this device
 * already holds it, returns it with `created: false` and writes nothing, even
 * if it was reversed since: executing a decision again must not pay twice.
 * The input is built from a decision's checked effect, never typed by a
 * person: a field refused here is a bug, and throws.
 */
export function allocateMoney(doc: Y.Doc, input: AllocationInput, by: MemberId, now = Date.now()): AllocationResult {
	const checked = checkInput(AllocationInput, input);
	if (!checked.ok) throw new DomainError(`invalid_${checked.field}`, `${checked.field}: ${checked.problem}`);
	const fields = checked.value;
	const id = derivedEntryId('allocation', fields.allocationKey);
	if (ledgerMap(doc).has(id)) {
		const existing = getEntry(doc, id);
		// Something unreadable sits at the key: never overwrite what we cannot read.
		if (!existing || existing.allocationKey !== fields.allocationKey) return { ok: false, reason: 'key_taken' };
		return { ok: true, id, created: false };
	}
	const fund = checkTarget(doc, fields.fundId, fields.currency, fields.budgetLineId);
	if (typeof fund === 'string') return { ok: false, reason: fund };
	doc.transact(() => {
		writeEntry(doc, id, { ...fields, direction: 'out', category: 'allocation' }, by, now);
		recordActivity(doc, entryActivity('ledger.allocated', id, { ...fields, direction: 'out' }, fund, by, now));
	}, LOCAL_ORIGIN);
	return { ok: true, id, created: true };
}

/** The entry an allocation key wrote, if this device holds it. */
export function findAllocation(doc: Y.Doc, allocationKey: string): LedgerEntry | undefined {
	const entry = getEntry(doc, derivedEntryId('allocation', allocationKey));
	return entry?.allocationKey === allocationKey ? entry : undefined;
}
