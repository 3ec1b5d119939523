/**
 * Reminders: the few things worth interrupting someone for, worked out on
 * the device from the document alone, so that they need no server and work
 * with no network. A decision closing within a day where my position is
 * missing; my dues late; food expiring; a booking of mine starting soon; a
 * pledge someone made to a need I follow (one I recorded or pledged to).
 *
 * Each reminder has a key that stays the same while it is the same thing to
 * say, so that the app notifies it once and not on every check; the key
 * changes when there is something new to say (one more period late).
 */
import type * as Y from 'yjs';
import type { BookingId, DecisionId, MemberId, NeedId, PledgeId, ResourceId } from '../core/ids';
import { listBookings } from '../bookings/bookings';
import { getResource } from '../inventory/resources';
import { readNeeds } from '../needs/needs';
import { listPledges } from '../needs/pledges';
import { memberName } from '../space/space';
import { attentionView } from './attention';
import { localDate } from '../core/dates';

export const REMINDER_KINDS = ['decision', 'dues', 'food', 'booking', 'pledge'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** A decision is reminded this long before it closes. */
export const DECISION_WARNING_MS = 24 * 3_600_000;
/** A booking is reminded this long before it starts. */
export const BOOKING_WARNING_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;

export type Reminder = { key: string } & (
	| { kind: 'decision'; decisionId: DecisionId; title: string; closesAt: number }
	| { kind: 'dues'; owed: number; currency: string; periodsLate: number }
	| { kind: 'food'; resourceId: ResourceId; name: string; expiresOn: string; expired: boolean }
	| { kind: 'booking'; bookingId: BookingId; resourceName: string | null; start: number; end: number }
	| { kind: 'pledge'; pledgeId: PledgeId; needId: NeedId; needTitle: string; pledger: string | null }
);

export interface ReminderInput {
	me: MemberId;
	/** The device's date, YYYY-MM-DD. */
	today: string;
	/** The device's clock (ms). */
	now: number;
	/** Pledges made after this moment are news; null before the first check, when none is. */
	since: number | null;
}

/** What to remind `me` of now, in the order the kinds are listed above. */
export function remindersFor(doc: Y.Doc, input: ReminderInput): Reminder[] {
	return reminderSchedule(doc, input).reminders;
}

export interface ReminderSchedule {
	reminders: Reminder[];
	/**
	 * The next moment the reminders may change with time alone (a decision
	 * entering its last day or closing, a booking coming within hours or
	 * starting, the next day): until then, or until the document changes,
	 * checking again would find the same.
	 */
	recheckAt: number;
}

/** The reminders, and when time alone may change them. */
export function reminderSchedule(doc: Y.Doc, input: ReminderInput): ReminderSchedule {
	const { me, today, now, since } = input;
	const out: Reminder[] = [];
	const tomorrow = new Date(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)) + 1).getTime();
	let recheckAt = tomorrow > now ? tomorrow : now + DAY_MS;
	const later = (at: number) => {
		if (at > now && at < recheckAt) recheckAt = at;
	};
	for (const item of attentionView(doc, { me, today, now, lastVisit: null }).items) {
		if (item.kind === 'decision' && item.mineMissing) {
			later(item.closesAt - DECISION_WARNING_MS);
			later(item.closesAt);
		}
		if (item.kind === 'decision' && item.mineMissing && item.closesAt > now && item.closesAt - now <= DECISION_WARNING_MS) {
			out.push({ kind: 'decision', key: `decision:${item.decisionId}`, decisionId: item.decisionId, title: item.title, closesAt: item.closesAt });
		} else if (item.kind === 'dues_late' && item.mine) {
			out.push({ kind: 'dues', key: `dues:${item.currency}:${item.periodsLate}`, owed: item.owed, currency: item.currency, periodsLate: item.periodsLate });
		} else if (item.kind === 'food_expiring') {
			out.push({ kind: 'food', key: `food:${item.resourceId}:${item.expiresOn}`, resourceId: item.resourceId, name: item.name, expiresOn: item.expiresOn, expired: item.expired });
		}
	}
	for (const booking of listBookings(doc, { from: now }).items) {
		const mine = (booking.to.kind === 'member' && booking.to.memberId === me) || booking.createdBy === me;
		if (!mine || booking.status === 'cancelled' || booking.start < now) continue;
		later(booking.start - BOOKING_WARNING_MS);
		later(booking.start);
		if (booking.start > now + BOOKING_WARNING_MS) continue;
		const resourceName = getResource(doc, booking.resourceId)?.name ?? null;
		out.push({ kind: 'booking', key: `booking:${booking.id}:${booking.start}`, bookingId: booking.id, resourceName, start: booking.start, end: booking.end });
	}
	if (since !== null) out.push(...pledgeNews(doc, me, since));
	return { reminders: out, recheckAt };
}

/** Pledges others made since `since` to the needs `me` recorded or pledged to. */
function pledgeNews(doc: Y.Doc, me: MemberId, since: number): Reminder[] {
	const pledges = listPledges(doc).items;
	const followed = new Set<NeedId>(pledges.filter((p) => p.memberId === me || p.createdBy === me).map((p) => p.needId));
	const titles = new Map<NeedId, string>();
	for (const need of readNeeds(doc).items) {
		if (need.createdBy === me) followed.add(need.id);
		titles.set(need.id, need.title);
	}
	return pledges
		.filter((p) => p.createdAt > since && p.createdBy !== me && p.memberId !== me && followed.has(p.needId) && titles.has(p.needId))
		.map((p) => ({
			kind: 'pledge',
			key: `pledge:${p.id}`,
			pledgeId: p.id,
			needId: p.needId,
			needTitle: titles.get(p.needId)!,
			pledger: p.memberId ? memberName(doc, p.memberId) : p.supporterName || null
		}));
}

/** A reminder that will be due later if nothing changes: from `dueAt`, and until `until` when it then has nothing left to say. */
export interface UpcomingReminder {
	reminder: Reminder;
	dueAt: number;
	until: number | null;
}

/** How far ahead, and how many moments at most, the upcoming reminders are worked out. */
export const UPCOMING_HORIZON_MS = 3 * DAY_MS;
const UPCOMING_STEPS = 12;

/**
 * The reminders that time alone will bring within the horizon, as the
 * document stands now: what a phone with the app closed can still be told
 * (see static/notifications.js). Worked out by asking the schedule again at
 * each moment it names, so the rules stay those of `reminderSchedule`.
 * Pledges are news only when someone makes them, so none is foreseen.
 */
export function upcomingReminders(doc: Y.Doc, me: MemberId, now: number): UpcomingReminder[] {
	const day = (at: number) => localDate(new Date(at));
	const current = reminderSchedule(doc, { me, today: day(now), now, since: null });
	const seen = new Set(current.reminders.map((r) => r.key));
	const upcoming: UpcomingReminder[] = [];
	let at = current.recheckAt;
	for (let step = 0; step < UPCOMING_STEPS && at <= now + UPCOMING_HORIZON_MS; step++) {
		const { reminders, recheckAt } = reminderSchedule(doc, { me, today: day(at), now: at, since: null });
		for (const reminder of reminders) {
			if (seen.has(reminder.key)) continue;
			seen.add(reminder.key);
			upcoming.push({ reminder, dueAt: at, until: untilOf(reminder) });
		}
		if (recheckAt <= at) break;
		at = recheckAt;
	}
	return upcoming;
}

/** When a reminder stops being worth saying: a decision once closed, a booking once started. */
function untilOf(reminder: Reminder): number | null {
	if (reminder.kind === 'decision') return reminder.closesAt;
	if (reminder.kind === 'booking') return reminder.start;
	return null;
}
