/**
 * Reminders on the device: which kinds each collective shows (switched per
 * collective, all on at first), whether they also go to the phone's
 * notifications, the sentence each says, and the notification itself, shown
 * once per reminder through the service worker. Kept in localStorage: like
 * the reminders themselves, nothing leaves the device.
 */
import { REMINDER_KINDS, type Reminder, type ReminderKind, type UpcomingReminder } from '$lib/domain/reports';
import { askBackgroundChecks, backgroundChecksOffered, forgetUpcoming, keepUpcoming, markShown, shownAmong } from './background-reminders';
import * as m from '$lib/paraglide/messages';
import { formatDate, formatDateTime, formatSlot } from '../format';
import { money } from '../money/amounts';

const SETTINGS_KEY = 'passerelle:reminders:';
const NOTIFIED_KEY = 'passerelle:notified:';
/** Keys remembered as notified, per collective: the oldest are forgotten beyond this. */
const NOTIFIED_KEPT = 300;

export interface ReminderSettings {
	kinds: Record<ReminderKind, boolean>;
	/** Also as system notifications, once the browser allows them. */
	system: boolean;
}

const ALL_ON: ReminderSettings = { kinds: { decision: true, dues: true, food: true, booking: true, pledge: true }, system: false };

export function readReminderSettings(spaceId: string): ReminderSettings {
	try {
		const stored = JSON.parse(localStorage.getItem(SETTINGS_KEY + spaceId) ?? 'null') as Partial<ReminderSettings> | null;
		const kinds = { ...ALL_ON.kinds };
		for (const kind of REMINDER_KINDS) if (typeof stored?.kinds?.[kind] === 'boolean') kinds[kind] = stored.kinds[kind];
		return { kinds, system: stored?.system === true };
	} catch {
		return { kinds: { ...ALL_ON.kinds }, system: false };
	}
}

export function saveReminderSettings(spaceId: string, settings: ReminderSettings): void {
	try {
		localStorage.setItem(SETTINGS_KEY + spaceId, JSON.stringify(settings));
	} catch {
		// Storage refused: the switches go back to their default at the next start, and say so by their state.
	}
}

/** The label of each kind's switch. */
export function reminderKindLabel(kind: ReminderKind): string {
	return {
		decision: m.reminders_kind_decision,
		dues: m.reminders_kind_dues,
		food: m.reminders_kind_food,
		booking: m.reminders_kind_booking,
		pledge: m.reminders_kind_pledge
	}[kind]();
}

/** What a reminder says, and the page of the collective `base` it leads to. */
export function reminderText(reminder: Reminder, base: string): { text: string; href: string } {
	switch (reminder.kind) {
		case 'decision':
			return { text: m.reminder_decision({ title: reminder.title, when: formatDateTime(reminder.closesAt) }), href: `${base}/decisions/${reminder.decisionId}` };
		case 'dues':
			return { text: m.home_dues_mine({ amount: money(reminder.owed, reminder.currency) }), href: `${base}/money/dues` };
		case 'food':
			return {
				text: reminder.expired ? m.home_food_expired({ name: reminder.name, date: formatDate(reminder.expiresOn) }) : m.home_food_soon({ name: reminder.name, date: formatDate(reminder.expiresOn) }),
				href: base
			};
		case 'booking':
			return { text: m.reminder_booking({ resource: reminder.resourceName ?? m.someone(), slot: formatSlot(reminder.start, reminder.end) }), href: `${base}/bookings` };
		case 'pledge':
			return { text: m.reminder_pledge({ need: reminder.needTitle, who: reminder.pledger ?? m.someone() }), href: `${base}/needs/${reminder.needId}` };
	}
}

function readNotified(spaceId: string): string[] {
	try {
		const stored = JSON.parse(localStorage.getItem(NOTIFIED_KEY + spaceId) ?? '[]');
		return Array.isArray(stored) ? stored.filter((key): key is string => typeof key === 'string') : [];
	} catch {
		return [];
	}
}

/**
 * Shows the reminders not yet notified as system notifications, when the
 * person asked for them and the browser allows them; each is notified once.
 * Answers how many it showed.
 */
export async function notifyNew(spaceId: string, collective: string, reminders: readonly Reminder[], base: string): Promise<number> {
	if (!readReminderSettings(spaceId).system || typeof Notification === 'undefined' || Notification.permission !== 'granted') return 0;
	if (!('serviceWorker' in navigator)) return 0;
	const notified = readNotified(spaceId);
	let fresh = reminders.filter((r) => !notified.includes(r.key));
	if (fresh.length === 0) return 0;
	// The service worker may have shown some while the app was closed.
	const shownAlready = await shownAmong(fresh.map((r) => notificationTag(spaceId, r))).catch(() => new Set<string>());
	fresh = fresh.filter((r) => !shownAlready.has(notificationTag(spaceId, r)));
	const registration = await navigator.serviceWorker.ready;
	for (const reminder of fresh) {
		const { text, href } = reminderText(reminder, base);
		// The tag replaces an older notification of the same thing rather than stacking another.
		await registration.showNotification(collective, { body: text, tag: notificationTag(spaceId, reminder), data: { url: href } });
	}
	await markShown(fresh.map((r) => notificationTag(spaceId, r))).catch(() => {});
	try {
		localStorage.setItem(NOTIFIED_KEY + spaceId, JSON.stringify([...notified, ...fresh.map((r) => r.key)].slice(-NOTIFIED_KEPT)));
	} catch {
		// Not remembered: the same reminder may be notified again, which loses nothing.
	}
	return fresh.length;
}

/** One notification per collective and reminder: the same tag from the page and from the service worker. */
function notificationTag(spaceId: string, reminder: Reminder): string {
	return `${spaceId}:${reminder.key}`;
}

let backgroundAsked: Promise<boolean> | undefined;

/**
 * Writes what the service worker may show while the app is closed, when the
 * person asked for notifications and the browser allows them; clears it
 * otherwise.
 */
export async function keepForBackground(spaceId: string, collective: string, upcoming: readonly UpcomingReminder[], base: string): Promise<void> {
	const { system, kinds } = readReminderSettings(spaceId);
	if (!system || !backgroundChecksOffered() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return forgetUpcoming(spaceId);
	const items = upcoming
		.filter(({ reminder }) => kinds[reminder.kind])
		.map(({ reminder, dueAt, until }) => {
			const { text, href } = reminderText(reminder, base);
			return { tag: notificationTag(spaceId, reminder), body: text, url: href, dueAt, until };
		});
	await keepUpcoming(spaceId, collective, items);
	// Asked once a visit: the browser keeps the registration.
	backgroundAsked ??= askBackgroundChecks();
	await backgroundAsked;
}

/** Asks the browser for notifications; answers whether they are allowed now. */
export async function askForNotifications(): Promise<'granted' | 'denied' | 'unavailable'> {
	if (typeof Notification === 'undefined' || !('serviceWorker' in navigator)) return 'unavailable';
	const answer = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
	return answer === 'granted' ? 'granted' : 'denied';
}
