/** Builders for tests of needs and pledges. */
import type * as Y from 'yjs';
import type { MemberId, NeedId, PledgeId } from '../core/ids';
import { createNeed, type NeedInput } from './needs';
import { addPledge, type PledgeInput } from './pledges';

/** Noon, local time, on a date: `localDate` of it is that date in any time zone. */
export function at(date: string): number {
	return new Date(`${date}T12:00:00`).getTime();
}

type MoneyNeedInput = Extract<NeedInput, { kind: 'money' }>;
type QuantityNeedInput = Exclude<NeedInput, { kind: 'money' }>;

export function moneyNeed(doc: Y.Doc, by: MemberId, fields: Partial<MoneyNeedInput> = {}, now = at('2026-03-01')): NeedId {
	return createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 100_000, ...fields }, by, now);
}

export function hoursNeed(doc: Y.Doc, by: MemberId, fields: Partial<QuantityNeedInput> = {}, now = at('2026-03-01')): NeedId {
	return createNeed(doc, { kind: 'time', title: 'Chantier', unit: 'h', target: 40, ...fields }, by, now);
}

/** A pledge by `by` that must be accepted. */
export function pledge(
	doc: Y.Doc,
	needId: NeedId,
	amount: number,
	by: MemberId,
	now = at('2026-03-02'),
	fields: Partial<PledgeInput> = {}
): PledgeId {
	const result = addPledge(doc, { needId, amount, memberId: by, ...fields }, by, now);
	if (!result.ok) throw new Error(`pledge refused: ${result.reason}`);
	return result.id;
}
