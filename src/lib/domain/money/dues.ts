/**
 * Dues: what each member is expected to contribute, and whether they have.
 * A setting is stored per member, or once for everyone under the 'default'
 * key. What is owed and what was paid are derived from the setting and the
 * ledger on every read, never stored.
 *
 * The rule. Periods start on the setting's start date and then every one,
 * three or twelve months on the same day of the month (the 31st becomes the
 * month's last day where there is none). Dues are owed at the start of a
 * period, so on any day the periods owed are those that have started, the
 * current one included. The default applies to a member from the later of
 * its start date and the day the member joined (UTC). Payments count when
 * they are 'dues' entries with the member as counterparty, in the setting's
 * currency and dated on or before the day asked about; money in adds, money
 * out (a reversal, a refund) subtracts. A period owes the amount in force on
 * the day it starts: the setting's own, or the latest change of it on or
 * before that day (dues-changes.ts).
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { amountOn, clearChanges, liveSetting, readChanges, type DuesChange } from './dues-changes';
import { newId, type FundId, type MemberId } from '../core/ids';
import { checkTarget, entryActivity, noteText, positiveAmount, readLedger, signed, writeEntry, type RecordResult } from './ledger';
import { MAX_AMOUNT, toDecimalString } from '../core/money';
import { listMembers, memberName } from '../space/space';
import { LOCAL_ORIGIN, currencyCode, duesMap, idString, isoDate, minorUnits, plainValue, timestamp, validateInput, type ReadResult } from '../core/schema';

export const DUES_PERIODS = ['monthly', 'quarterly', 'yearly'] as const;
export type DuesPeriod = (typeof DUES_PERIODS)[number];
const MONTHS: Record<DuesPeriod, number> = { monthly: 1, quarterly: 3, yearly: 12 };

export type DuesTarget = MemberId | 'default';
const target = v.union([v.literal('default'), idString]);

const SettingFields = {
	/** Zero exempts the member (or, as the default, everyone without their own setting). */
	amount: v.pipe(minorUnits, v.minValue(0), v.maxValue(MAX_AMOUNT)),
	currency: currencyCode,
	period: v.picklist(DUES_PERIODS),
	start: isoDate
};
const DuesSettingSchema = v.object({
	target,
	...SettingFields,
	createdAt: timestamp,
	createdBy: idString,
	updatedAt: timestamp,
	updatedBy: idString,
	removedAt: v.optional(v.nullable(timestamp), null)
});
export type DuesSetting = Omit<v.InferOutput<typeof DuesSettingSchema>, 'target' | 'createdBy' | 'updatedBy'> & {
	target: DuesTarget;
	createdBy: MemberId;
	updatedBy: MemberId;
	/** Changes of the amount from a date on, after the start, oldest first. */
	changes: DuesChange[];
};
const DuesInput = v.object(SettingFields);
export type DuesInput = v.InferInput<typeof DuesInput>;

/**
 * Sets a member's dues, or the default. Writes only the fields that changed.
 * The setting applies from its start date as it is now: changing its amount
 * corrects what every period owed up to its first change. To ask for another
 * amount from a date on, see changeDuesAmount. A setting made again after it
 * was stopped, or moved to another currency, starts without changes.
 */
export function setDues(doc: Y.Doc, who: DuesTarget, input: DuesInput, by: MemberId, now = Date.now()): void {
	const key = validateInput(v.object({ target }), { target: who }).target;
	const fields = validateInput(DuesInput, input);
	doc.transact(() => {
		const map = duesMap(doc);
		let entry = map.get(key);
		const fresh = !(entry instanceof Y.Map);
		if (!(entry instanceof Y.Map)) {
			entry = new Y.Map<unknown>();
			(entry as Y.Map<unknown>).set('target', key);
			(entry as Y.Map<unknown>).set('createdAt', now);
			(entry as Y.Map<unknown>).set('createdBy', by);
			map.set(key, entry);
		}
		const setting = entry as Y.Map<unknown>;
		let changed = fresh || setting.get('removedAt') != null;
		if (changed || setting.get('currency') !== fields.currency) clearChanges(setting);
		for (const [field, value] of Object.entries(fields)) {
			if (setting.get(field) === value) continue;
			setting.set(field, value);
			changed = true;
		}
		if (!changed) return;
		setting.set('removedAt', null);
		setting.set('updatedAt', now);
		setting.set('updatedBy', by);
		const summary = `${toDecimalString(fields.amount, fields.currency)} ${fields.currency} / ${fields.period} · ${key === 'default' ? 'default' : (memberName(doc, key) ?? key)}`;
		recordActivity(doc, { at: now, by, action: 'dues.set', subjectKind: 'dues', subjectId: key, summary });
	}, LOCAL_ORIGIN);
}

/** Ends a setting: the member falls back to the default, or the default stops applying. */
export function removeDues(doc: Y.Doc, who: DuesTarget, by: MemberId, now = Date.now()): void {
	const setting = liveSetting(doc, who);
	if (setting === null) return;
	doc.transact(() => {
		setting.set('removedAt', now);
		setting.set('updatedAt', now);
		setting.set('updatedBy', by);
		recordActivity(doc, { at: now, by, action: 'dues.removed', subjectKind: 'dues', subjectId: who });
	}, LOCAL_ORIGIN);
}

/** Every setting still in force, the default included. */
export function listDues(doc: Y.Doc): ReadResult<DuesSetting> {
	const items: DuesSetting[] = [];
	let unreadable = 0;
	for (const [key, value] of duesMap(doc).entries()) {
		const raw = value instanceof Y.Map ? (plainValue(value) as Record<string, unknown>) : null;
		const parsed = raw === null ? null : v.safeParse(DuesSettingSchema, raw);
		if (raw === null || !parsed?.success || parsed.output.target !== key) unreadable++;
		else if (parsed.output.removedAt === null) {
			items.push({ ...(parsed.output as Omit<DuesSetting, 'changes'>), changes: readChanges(raw, parsed.output.start) });
		}
	}
	return { items, unreadable };
}

export interface DuesStatus {
	memberId: MemberId;
	name: string | null;
	/** Whether the member's own setting or the default applies. */
	source: 'member' | 'default';
	/** What the current period owes (the first one, before the start). */
	amount: number;
	/** Since when `amount` has applied: the start, or the change that set it. */
	amountSince: string;
	/** Changes of the amount still to come after today. */
	upcoming: DuesChange[];
	currency: string;
	period: DuesPeriod;
	/** The first period's start for this member. */
	start: string;
	/** Periods owed so far, the current one included. */
	periods: number;
	expected: number;
	paid: number;
	/** Paid minus expected: below zero when late, above when paid ahead. */
	balance: number;
	state: 'not_started' | 'up_to_date' | 'late';
	periodsLate: number;
	periodsAhead: number;
	/** When the next period starts, and what it will owe. */
	nextDue: string;
	nextAmount: number;
}

/** Where each member stands on `today` (YYYY-MM-DD), sorted by name. */
export function duesStatus(doc: Y.Doc, today: string): ReadResult<DuesStatus> {
	const day = validateInput(v.object({ today: isoDate }), { today }).today;
	const settings = listDues(doc);
	const byTarget = new Map(settings.items.map((s) => [s.target, s]));
	const fallback = byTarget.get('default');
	const joined = new Map(listMembers(doc).items.map((m) => [m.id as string, new Date(m.joinedAt).toISOString().slice(0, 10)]));
	const who = new Set<string>([...joined.keys(), ...settings.items.map((s) => s.target).filter((t) => t !== 'default')]);
	const ledger = readLedger(doc).items.filter((e) => e.category === 'dues' && e.counterparty?.kind === 'member' && e.date <= day);

	const items: DuesStatus[] = [];
	for (const memberId of who) {
		const own = byTarget.get(memberId as MemberId);
		const setting = own ?? fallback;
		if (!setting) continue;
		const joinDate = joined.get(memberId);
		const start = !own && joinDate && joinDate > setting.start ? joinDate : setting.start;
		const months = MONTHS[setting.period];
		const periods = periodsStarted(start, day, months);
		const owes = (k: number) => amountOn(setting.amount, setting.changes, periodStart(start, k * months));
		let expected = 0;
		for (let k = 0; k < periods; k++) expected += owes(k);
		const amount = owes(Math.max(periods - 1, 0));
		const paid = ledger
			.filter((e) => e.counterparty?.kind === 'member' && e.counterparty.memberId === memberId && e.currency === setting.currency)
			.reduce((sum, e) => sum + signed(e), 0);
		const balance = paid - expected;
		items.push({
			memberId: memberId as MemberId,
			name: memberName(doc, memberId),
			source: own ? 'member' : 'default',
			amount,
			amountSince: setting.changes.reduce((since, change) => (change.from <= day && change.from > since ? change.from : since), start),
			upcoming: setting.changes.filter((change) => change.from > day),
			currency: setting.currency,
			period: setting.period,
			start,
			periods,
			expected,
			paid,
			balance,
			state: periods === 0 ? 'not_started' : balance < 0 ? 'late' : 'up_to_date',
			periodsLate: balance < 0 && amount > 0 ? Math.ceil(-balance / amount) : 0,
			periodsAhead: balance > 0 && amount > 0 ? Math.floor(balance / amount) : 0,
			nextDue: periodStart(start, periods * months),
			nextAmount: owes(periods)
		});
	}
	items.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.memberId < b.memberId ? -1 : 1));
	return { items, unreadable: settings.unreadable };
}

/** How many periods of `months` months, starting on `start`, have started by `today`. */
export function periodsStarted(start: string, today: string, months: number): number {
	if (today < start) return 0;
	const [sy, sm] = start.split('-').map(Number) as [number, number];
	const [ty, tm] = today.split('-').map(Number) as [number, number];
	let k = Math.floor(((ty - sy) * 12 + (tm - sm)) / months);
	while (k > 0 && periodStart(start, k * months) > today) k--;
	return k + 1;
}

/** The first period of a setting that starts after `today` (the second one if none has started). */
export function nextPeriodStart(start: string, period: DuesPeriod, today: string): string {
	const months = MONTHS[period];
	return periodStart(start, Math.max(periodsStarted(start, today, months), 1) * months);
}

/** The date `months` months after `start`, on the same day or the month's last. */
export function periodStart(start: string, months: number): string {
	const [y, m, d] = start.split('-').map(Number) as [number, number, number];
	const index = y * 12 + (m - 1) + months;
	const year = Math.floor(index / 12);
	const month = index % 12;
	const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	const pad = (n: number, w = 2) => String(n).padStart(w, '0');
	return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(d, last))}`;
}

const PaymentInput = v.object({
	memberId: idString,
	amount: positiveAmount,
	fundId: idString,
	date: isoDate,
	note: noteText
});
export type DuesPaymentInput = Omit<v.InferInput<typeof PaymentInput>, 'memberId' | 'fundId'> & { memberId: MemberId; fundId: FundId };

/** Records a member's payment: a 'dues' entry, money in, in the fund's currency. */
export function recordDuesPayment(doc: Y.Doc, input: DuesPaymentInput, by: MemberId, now = Date.now()): RecordResult {
	const fields = validateInput(PaymentInput, input);
	const fund = checkTarget(doc, fields.fundId as FundId, undefined, null);
	if (typeof fund === 'string') return { ok: false, reason: fund };
	const id = newId<'ledger-entry'>();
	const entry = {
		...fields,
		currency: fund.currency,
		direction: 'in' as const,
		category: 'dues' as const,
		counterparty: { kind: 'member' as const, memberId: fields.memberId }
	};
	doc.transact(() => {
		writeEntry(doc, id, entry, by, now);
		const activity = entryActivity('dues.paid', id, entry, fund, by, now);
		const name = memberName(doc, fields.memberId);
		recordActivity(doc, name ? { ...activity, summary: `${activity.summary} · ${name}` } : activity);
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}
