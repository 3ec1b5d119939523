import { describe, expect, it } from 'vitest';
import { localDate } from '../core/dates';
import { confirmBooking, requestBooking } from '../bookings/bookings';
import { takePosition } from '../decisions/decisions';
import { propose, T0, WEEK } from '../decisions/testing';
import { addResource } from '../inventory/resources';
import { setDues } from '../money/dues';
import { moneyNeed, pledge } from '../needs/testing';
import { joinSpace } from '../space/space';
import { created, memberId, newSpace } from '../space/testing';
import { reminderSchedule, remindersFor, upcomingReminders, UPCOMING_HORIZON_MS } from './reminders';

const H = 3_600_000;
const today = (at: number) => localDate(new Date(at));

describe('reminders', () => {
	it('remind of a decision closing within a day, only while my position is missing', () => {
		const { doc, by } = newSpace();
		const id = propose(doc, by); // closes at T0 + WEEK
		const before = T0 + WEEK - 25 * H;
		const within = T0 + WEEK - 20 * H;
		expect(remindersFor(doc, { me: by, today: today(before), now: before, since: null })).toEqual([]);
		expect(remindersFor(doc, { me: by, today: today(within), now: within, since: null })).toMatchObject([{ kind: 'decision', key: `decision:${id}`, decisionId: id }]);
		takePosition(doc, id, { choice: 'agree' }, by, within);
		expect(remindersFor(doc, { me: by, today: today(within), now: within + 1, since: null })).toEqual([]);
		// Closed by its date: nothing more to remind.
		expect(remindersFor(doc, { me: memberId(), today: today(T0 + WEEK + 1), now: T0 + WEEK + 1, since: null }).filter((r) => r.kind === 'decision')).toEqual([]);
	});

	it('remind me of my own late dues, with a key that changes as they grow', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', Date.UTC(2026, 0, 1));
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by);
		const march = Date.UTC(2026, 2, 15);
		const mine = remindersFor(doc, { me: bob, today: '2026-03-15', now: march, since: null });
		expect(mine).toMatchObject([{ kind: 'dues', owed: 3_000, periodsLate: 3, key: 'dues:EUR:3' }]);
		expect(remindersFor(doc, { me: bob, today: '2026-04-15', now: Date.UTC(2026, 3, 15), since: null })[0]!.key).toBe('dues:EUR:4');
	});

	it('remind of food expiring and of a booking of mine starting within hours', () => {
		const { doc, by } = newSpace();
		const now = Date.UTC(2026, 5, 10, 8);
		created(addResource(doc, { kind: 'food', name: 'Pain', quantity: 2, unit: 'kg', expiresOn: '2026-06-11' }, by, now));
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by, now));
		const soon = created(requestBooking(doc, { resourceId: van, start: now + 2 * H, end: now + 4 * H, to: { kind: 'member', memberId: by } }, by, now));
		confirmBooking(doc, soon, by, now);
		created(requestBooking(doc, { resourceId: van, start: now + 10 * H, end: now + 11 * H, to: { kind: 'member', memberId: by } }, by, now));
		const reminders = remindersFor(doc, { me: by, today: '2026-06-10', now, since: null });
		expect(reminders.map((r) => r.kind)).toEqual(['food', 'booking']);
		expect(reminders[1]).toMatchObject({ bookingId: soon, resourceName: 'Camionnette' });
		// Someone else's booking is not mine to be reminded of.
		expect(remindersFor(doc, { me: memberId(), today: '2026-06-10', now, since: null }).map((r) => r.kind)).toEqual(['food']);
	});

	it('tell of pledges others made since the last check to the needs I follow', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob');
		const rent = moneyNeed(doc, by, { title: 'Loyer' });
		const other = moneyNeed(doc, bob, { title: 'Outils' });
		const last = Date.UTC(2026, 2, 1);
		const p = pledge(doc, rent, 2_000, bob, Date.UTC(2026, 2, 2));
		pledge(doc, other, 1_000, bob, Date.UTC(2026, 2, 2));
		pledge(doc, rent, 500, by, Date.UTC(2026, 2, 2));
		const news = remindersFor(doc, { me: by, today: '2026-03-03', now: Date.UTC(2026, 2, 3), since: last }).filter((r) => r.kind === 'pledge');
		expect(news).toMatchObject([{ pledgeId: p, needTitle: 'Loyer', pledger: 'Bob', key: `pledge:${p}` }]);
		// Before any check, nothing is news; after this one, these are not either.
		expect(remindersFor(doc, { me: by, today: '2026-03-03', now: Date.UTC(2026, 2, 3), since: null }).filter((r) => r.kind === 'pledge')).toEqual([]);
		expect(remindersFor(doc, { me: by, today: '2026-03-03', now: Date.UTC(2026, 2, 3), since: Date.UTC(2026, 2, 3) }).filter((r) => r.kind === 'pledge')).toEqual([]);
	});

	it('say when time alone may change them: a decision entering its last day, a booking coming within hours, the next day', () => {
		const { doc, by } = newSpace();
		const id = propose(doc, by); // closes at T0 + WEEK
		const now = T0 + WEEK - 30 * H;
		expect(reminderSchedule(doc, { me: by, today: today(now), now, since: null }).recheckAt).toBe(Math.min(T0 + WEEK - 24 * H, nextMidnight(now)));
		takePosition(doc, id, { choice: 'agree' }, by, now);
		expect(reminderSchedule(doc, { me: by, today: today(now), now, since: null }).recheckAt).toBe(nextMidnight(now));
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by, now));
		created(requestBooking(doc, { resourceId: van, start: now + 4 * H, end: now + 5 * H, to: { kind: 'member', memberId: by } }, by, now));
		expect(reminderSchedule(doc, { me: by, today: today(now), now, since: null }).recheckAt).toBe(Math.min(now + H, nextMidnight(now)));
	});

	it('foresee what time alone will bring, for a phone with the app closed: when each is due and until when', () => {
		const { doc, by } = newSpace();
		const id = propose(doc, by); // closes at T0 + WEEK
		const now = T0 + WEEK - 30 * H;
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by, now));
		const later = created(requestBooking(doc, { resourceId: van, start: now + 10 * H, end: now + 11 * H, to: { kind: 'member', memberId: by } }, by, now));
		created(requestBooking(doc, { resourceId: van, start: now + 2 * H, end: now + 3 * H, to: { kind: 'member', memberId: by } }, by, now));
		created(addResource(doc, { kind: 'food', name: 'Lait', quantity: 1, unit: 'L', expiresOn: localDate(new Date(now + 5 * 24 * H)) }, by, now));
		const upcoming = upcomingReminders(doc, by, now);
		// The booking starting in two hours is due now, so it is not foreseen: the page tells it at once.
		expect(upcoming.map(({ reminder, dueAt, until }) => [reminder.kind, dueAt, until])).toEqual(
			expect.arrayContaining([
				['booking', now + 7 * H, now + 10 * H],
				['decision', T0 + WEEK - 24 * H, T0 + WEEK]
			])
		);
		expect(upcoming.find((u) => u.reminder.kind === 'booking')?.reminder).toMatchObject({ bookingId: later });
		expect(upcoming.filter((u) => u.reminder.kind === 'booking')).toHaveLength(1);
		// Food two days before its date, at the start of that day, if within the horizon.
		const food = upcoming.find((u) => u.reminder.kind === 'food');
		expect(food?.dueAt).toBeLessThanOrEqual(now + UPCOMING_HORIZON_MS);
		expect(food && localDate(new Date(food.dueAt))).toBe(localDate(new Date(now + 2 * 24 * H)));
		expect(upcoming.every((u) => u.dueAt > now)).toBe(true);
		// A position taken: the decision is no longer foreseen.
		takePosition(doc, id, { choice: 'agree' }, by, now);
		expect(upcomingReminders(doc, by, now).some((u) => u.reminder.kind === 'decision')).toBe(false);
	});
});

function nextMidnight(at: number): number {
	const d = new Date(at);
	return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}
