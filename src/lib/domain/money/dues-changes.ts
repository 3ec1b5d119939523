/**
 * Changes of a dues amount from a date on. A collective that raises its dues from
 * January does not ask members for more for the months before: the periods that start on
 * or after a change's date owe its amount, those before keep the amount they had.
 *
 * Each change is a key of its own on the setting's map ("from:YYYY-MM-DD" → minor
 * units), not an entry of a nested list: two devices changing different dates while
 * apart both keep theirs, and one date changed twice keeps one amount.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import type { MemberId } from '../core/ids';
import { MAX_AMOUNT } from '../core/money';
import { compareIds } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { memberName } from '../space/space';
import { LOCAL_ORIGIN, duesMap, isoDate, minorUnits } from '../core/schema';

export interface DuesChange {
	/** The first day on which a period starting owes `amount`. */
	from: string;
	amount: number;
}

/** Who a setting is for: one member, or everyone without their own ('default'). */
type Target = MemberId | 'default';

const PREFIX = 'from:';
const amountSchema = v.pipe(minorUnits, v.minValue(0), v.maxValue(MAX_AMOUNT));
const ChangeInput = v.object({ from: isoDate, amount: amountSchema });
export type DuesChangeInput = v.InferInput<typeof ChangeInput>;

export type DuesChangeResult = { ok: true } | InvalidField | Refusal<'no_setting' | 'not_after_start'>;
/** `changed` is false when there was no change from that date: nothing was written. */
export type RemoveDuesChangeResult = { ok: true; changed: boolean } | Refusal<'no_setting'>;

/** The changes stored on a setting (the entries of its map), after its start, by date. */
export function readChanges(fields: Iterable<[string, unknown]>, start: string): DuesChange[] {
	const changes: DuesChange[] = [];
	for (const [key, value] of fields) {
		if (!key.startsWith(PREFIX)) continue;
		const from = key.slice(PREFIX.length);
		// A change on or before the start would only restate the setting's own amount.
		if (!v.is(isoDate, from) || from <= start || !v.is(amountSchema, value)) continue;
		changes.push({ from, amount: value });
	}
	return changes.sort((a, b) => compareIds(a.from, b.from));
}

/** The amount a period starting on `date` owes: the latest change on or before it, else the base. */
export function amountOn(base: number, changes: readonly DuesChange[], date: string): number {
	let amount = base;
	for (const change of changes) if (change.from <= date) amount = change.amount;
	return amount;
}

/** Removes every change from a setting: it starts over (re-created, or another currency). */
export function clearChanges(setting: Y.Map<unknown>): void {
	for (const key of [...setting.keys()]) if (key.startsWith(PREFIX)) setting.delete(key);
}

/** The setting's map, if it is in force (not stopped). */
export function liveSetting(doc: Y.Doc, who: Target): Y.Map<unknown> | null {
	const setting = duesMap(doc).get(who);
	return setting instanceof Y.Map && setting.get('removedAt') == null ? setting : null;
}

/**
 * From `from` on, the setting asks `amount` per period. Refused without a setting in
 * force, or for a date on or before its start (change the setting itself for that).
 */
export function changeDuesAmount(doc: Y.Doc, who: Target, input: DuesChangeInput, by: MemberId, now = Date.now()): DuesChangeResult {
	const checked = checkInput(ChangeInput, input);
	if (!checked.ok) return checked;
	const { from, amount } = checked.value;
	const setting = liveSetting(doc, who);
	if (setting === null) return { ok: false, reason: 'no_setting' };
	const start = setting.get('start');
	if (typeof start !== 'string' || from <= start) return { ok: false, reason: 'not_after_start' };
	if (setting.get(PREFIX + from) === amount) return { ok: true };
	const change: FieldChange = { field: PREFIX + from, from: setting.get(PREFIX + from) ?? null, to: amount };
	doc.transact(() => {
		setting.set(PREFIX + from, amount);
		setting.set('updatedAt', now);
		setting.set('updatedBy', by);
		recordEdits(doc, 'dues', who, [change], by, now);
		const currency = String(setting.get('currency'));
		const summary = who === 'default' ? '' : (memberName(doc, who) ?? '');
		recordActivity(doc, { at: now, by, action: 'dues.changed', subjectKind: 'dues', subjectId: who, summary, data: { amount, currency, since: from }, changes: [change] });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

/** Takes a change back: the periods from its date owe what the one before it says. */
export function removeDuesChange(doc: Y.Doc, who: Target, from: string, by: MemberId, now = Date.now()): RemoveDuesChangeResult {
	const setting = liveSetting(doc, who);
	if (setting === null) return { ok: false, reason: 'no_setting' };
	if (!setting.has(PREFIX + from)) return { ok: true, changed: false };
	doc.transact(() => {
		setting.delete(PREFIX + from);
		setting.set('updatedAt', now);
		setting.set('updatedBy', by);
		recordActivity(doc, { at: now, by, action: 'dues.change_removed', subjectKind: 'dues', subjectId: who, summary: who === 'default' ? '' : (memberName(doc, who) ?? ''), data: { since: from } });
	}, LOCAL_ORIGIN);
	return { ok: true, changed: true };
}
