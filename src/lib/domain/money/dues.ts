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
 * its start date and the day the person became a member: the date set for
 * them, else the day their device joined (UTC). Payments count when
 * they are 'dues' entries with the member as counterparty, in the setting's
 * currency and dated on or before the day asked about; money in adds, money
 * out (a reversal, a refund) subtracts. A period owes the amount in force on
 * the day it starts: the setting's own, or the latest change of it on or
 * before that day (dues-changes.ts).
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import { recordEdits, type FieldChange } from '../core/revisions';
import { amountOn, clearChanges, liveSetting, readChanges, type DuesChange } from './dues-changes';
import { newId, type MemberId } from '../core/ids';
import { checkTarget, entryActivity, noteText, positiveAmount, readLedger, signed, writeEntry, type RecordResult } from './ledger';
import { MAX_AMOUNT } from '../core/money';
import { compareIds, compareNames } from '../core/order';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { listMembers, memberName } from '../space/space';
import { claimsAmong, startsWithClaims } from '../space/without-device';
import { DomainError, LOCAL_ORIGIN, currencyCode, duesMap, entityId, isoDate, minorUnits, plainValue, timestamp, type ReadResult } from '../core/schema';

export const DUES_PERIODS = ['monthly', 'quarterly', 'yearly'] as const;
export type DuesPeriod = (typeof DUES_PERIODS)[number];
const MONTHS: Record<DuesPeriod, number> = { monthly: 1, quarterly: 3, yearly: 12 };

const target = v.union([v.literal('default'), entityId<'member'>()]);
/** Who a setting is for: one member, or everyone without their own ('default'). */
export type DuesTarget = v.InferOutput<typeof target>;
const TargetInput = v.object({ target });

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
	createdBy: entityId<'member'>(),
	updatedAt: timestamp,
	updatedBy: entityId<'member'>(),
	removedAt: v.optional(v.nullable(timestamp), null)
});
export type DuesSetting = v.InferOutput<typeof DuesSettingSchema> & {
	/** Changes of the amount from a date on, after the start, oldest first. */
	changes: DuesChange[];
};
const DuesInput = v.object(SettingFields);
export type DuesInput = v.InferInput<typeof DuesInput>;

/** `changed` is false when the setting already read so: nothing was written. */
export type SetDuesResult = { ok: true; changed: boolean } | InvalidField;
export type RemoveDuesResult = { ok: true } | Refusal<'no_setting'>;

/**
 * Sets a member's dues, or the default. Writes only the fields that changed.
 * The setting applies from its start date as it is now: changing its amount
 * corrects what every period owed up to its first change. To ask for another
 * amount from a date on, see changeDuesAmount. A setting made again after it
 * was stopped, or moved to another currency, starts without changes.
 */
export function setDues(doc: Y.Doc, who: DuesTarget, input: DuesInput, by: MemberId, now = Date.now()): SetDuesResult {
	const whom = checkInput(TargetInput, { target: who });
	if (!whom.ok) return whom;
	const checked = checkInput(DuesInput, input);
	if (!checked.ok) return checked;
	const key = whom.value.target;
	const fields = checked.value;
	let changed = false;
	doc.transact(() => {
		const map = duesMap(doc);
		const stored = map.get(key);
		const setting: Y.Map<unknown> = stored instanceof Y.Map ? stored : new Y.Map<unknown>();
		const fresh = setting !== stored;
		if (fresh) {
			setting.set('target', key);
			setting.set('createdAt', now);
			setting.set('createdBy', by);
			map.set(key, setting);
		}
		changed = fresh || setting.get('removedAt') != null;
		if (changed || setting.get('currency') !== fields.currency) clearChanges(setting);
		const changes: FieldChange[] = [];
		for (const [field, value] of Object.entries(fields)) {
			if (setting.get(field) === value) continue;
			changes.push({ field, from: setting.get(field) ?? null, to: value });
			setting.set(field, value);
			changed = true;
		}
		if (!changed) return;
		setting.set('removedAt', null);
		setting.set('updatedAt', now);
		setting.set('updatedBy', by);
		// A setting is stored under its target, not under a fresh id: two devices setting the default
		// while apart write the same entry, so its first fields are noted too.
		recordEdits(doc, 'dues', key, changes, by, now);
		const summary = key === 'default' ? '' : (memberName(doc, key) ?? '');
		const data = { amount: fields.amount, currency: fields.currency, period: fields.period };
		recordActivity(doc, { at: now, by, action: 'dues.set', subjectKind: 'dues', subjectId: key, summary, data, changes: fresh ? [] : changes });
	}, LOCAL_ORIGIN);
	return { ok: true, changed };
}

/** Ends a setting: the member falls back to the default, or the default stops applying. */
export function removeDues(doc: Y.Doc, who: DuesTarget, by: MemberId, now = Date.now()): RemoveDuesResult {
	const setting = liveSetting(doc, who);
	if (setting === null) return { ok: false, reason: 'no_setting' };
	doc.transact(() => {
		setting.set('removedAt', now);
		setting.set('updatedAt', now);
		setting.set('updatedBy', by);
		recordActivity(doc, { at: now, by, action: 'dues.removed', subjectKind: 'dues', subjectId: who });
	}, LOCAL_ORIGIN);
	return { ok: true };
}

/** Every setting still in force, the default included. */
export function listDues(doc: Y.Doc): ReadResult<DuesSetting> {
	const items: DuesSetting[] = [];
	let unreadable = 0;
	for (const [key, value] of duesMap(doc).entries()) {
		const parsed = value instanceof Y.Map ? v.safeParse(DuesSettingSchema, plainValue(value)) : null;
		if (!(value instanceof Y.Map) || !parsed?.success || parsed.output.target !== key) unreadable++;
		else if (parsed.output.removedAt === null) {
			items.push({ ...parsed.output, changes: readChanges(value.entries(), parsed.output.start) });
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
	/** Paid minus expected: below zero when something is owed, above when paid ahead. */
	balance: number;
	/**
	 * 'due' when only the period that is running is unpaid: a member who joins
	 * today owes this period's dues, and is not late for them; 'late' once a
	 * period has ended unpaid.
	 */
	state: 'not_started' | 'up_to_date' | 'due' | 'late';
	periodsLate: number;
	periodsAhead: number;
	/** When the next period starts, and what it will owe. */
	nextDue: string;
	nextAmount: number;
}

/** Where each member stands on `today` (YYYY-MM-DD), sorted by name. */
export function duesStatus(doc: Y.Doc, today: string): ReadResult<DuesStatus> {
	// The day comes from the device's clock, never from a person: a bad one is a bug.
	if (!v.is(isoDate, today)) throw new DomainError('invalid_today', `today: expected a date, got ${today}`);
	const settings = listDues(doc);
	const byTarget = new Map<DuesTarget, DuesSetting>(settings.items.map((s) => [s.target, s]));
	const fallback = byTarget.get('default');
	const members = listMembers(doc).items;
	// An entry added by hand and claimed since is its claimant's: one person, one line.
	const claims = claimsAmong(members);
	const person = (id: MemberId) => claims.get(id) ?? id;
	const joined = startsWithClaims(members, claims);
	const who = new Set<MemberId>(joined.keys());
	for (const s of settings.items) if (s.target !== 'default') who.add(person(s.target));
	// What each member paid, by currency: dues entries up to today, net of reversals and refunds.
	const paidBy = new Map<MemberId, Map<string, number>>();
	for (const e of readLedger(doc).items) {
		if (e.category !== 'dues' || e.counterparty?.kind !== 'member' || e.date > today) continue;
		const payer = person(e.counterparty.memberId);
		const sums = paidBy.get(payer) ?? new Map<string, number>();
		sums.set(e.currency, (sums.get(e.currency) ?? 0) + signed(e));
		paidBy.set(payer, sums);
	}

	const items: DuesStatus[] = [];
	// A setting made for an entry before it was claimed goes on for its claimant, unless they have their own.
	for (const [entry, claimant] of claims) {
		const kept = byTarget.get(entry);
		if (kept && !byTarget.has(claimant)) byTarget.set(claimant, kept);
	}
	for (const memberId of who) {
		const own = byTarget.get(memberId);
		const setting = own ?? fallback;
		if (!setting) continue;
		const joinDate = joined.get(memberId);
		const start = !own && joinDate && joinDate > setting.start ? joinDate : setting.start;
		const months = MONTHS[setting.period];
		const periods = periodsStarted(start, today, months);
		const owes = (k: number) => amountOn(setting.amount, setting.changes, periodStart(start, k * months));
		let expected = 0;
		for (let k = 0; k < periods; k++) expected += owes(k);
		const amount = owes(Math.max(periods - 1, 0));
		const paid = paidBy.get(memberId)?.get(setting.currency) ?? 0;
		const balance = paid - expected;
		items.push({
			memberId,
			name: memberName(doc, memberId),
			source: own ? 'member' : 'default',
			amount,
			amountSince: setting.changes.reduce((since, change) => (change.from <= today && change.from > since ? change.from : since), start),
			upcoming: setting.changes.filter((change) => change.from > today),
			currency: setting.currency,
			period: setting.period,
			start,
			periods,
			expected,
			paid,
			balance,
			state: periods === 0 ? 'not_started' : balance >= 0 ? 'up_to_date' : -balance <= amount ? 'due' : 'late',
			periodsLate: balance < 0 && amount > 0 ? Math.ceil(-balance / amount) : 0,
			periodsAhead: balance > 0 && amount > 0 ? Math.floor(balance / amount) : 0,
			nextDue: periodStart(start, periods * months),
			nextAmount: owes(periods)
		});
	}
	items.sort((a, b) => compareNames(a.name ?? '', b.name ?? '') || compareIds(a.memberId, b.memberId));
	return { items, unreadable: settings.unreadable };
}

/** Year, month and day of an ISO date. */
function dateParts(date: string): [year: number, month: number, day: number] {
	return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** How many periods of `months` months, starting on `start`, have started by `today`. */
export function periodsStarted(start: string, today: string, months: number): number {
	if (today < start) return 0;
	const [sy, sm] = dateParts(start);
	const [ty, tm] = dateParts(today);
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
	const [y, m, d] = dateParts(start);
	const index = y * 12 + (m - 1) + months;
	const year = Math.floor(index / 12);
	const month = index % 12;
	const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	const pad = (n: number, w = 2) => String(n).padStart(w, '0');
	return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(d, last))}`;
}

const PaymentInput = v.object({
	memberId: entityId<'member'>(),
	amount: positiveAmount,
	fundId: entityId<'fund'>(),
	date: isoDate,
	note: noteText
});
export type DuesPaymentInput = v.InferInput<typeof PaymentInput>;

/** Records a member's payment: a 'dues' entry, money in, in the fund's currency. */
export function recordDuesPayment(doc: Y.Doc, input: DuesPaymentInput, by: MemberId, now = Date.now()): RecordResult {
	const checked = checkInput(PaymentInput, input);
	if (!checked.ok) return checked;
	const fields = checked.value;
	const fund = checkTarget(doc, fields.fundId, undefined, null);
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
