/**
 * Keeps a collective's reminders current while one of its pages is open: on
 * opening, when the document changes, every minute (a decision comes within
 * its last day as time passes), when the app comes back to the screen and
 * when the person changes their switches. The reminders shown are counted
 * next to the home page's link, and the new ones go to the phone's
 * notifications if the person asked for them.
 */
import { localDate, type MemberId } from '../domain/core';
import { reminderSchedule, upcomingReminders, type Reminder } from '../domain/reports';
import { readLastVisit } from '../ui/home/last-visit';
import { keepForBackground, notifyNew, readReminderSettings } from '../ui/home/reminders';
import { onIdle } from './idle';
import { backgroundChecksOffered } from '../ui/home/background-reminders';
import type { SpaceView } from './space.svelte';

/** Sent on `window` when a collective's switches change, with its id as detail. */
export const REMINDERS_CHANGED = 'passerelle:reminders-changed';
const TICK_MS = 60_000;
/** A burst of changes (a sync) makes one check. */
const AFTER_CHANGE_MS = 2_000;

export class ReminderWatch {
	list = $state.raw<Reminder[]>([]);
	/** Until the document changes, the reminders stay as they are until then (reminderSchedule). */
	private recheckAt = 0;
	private changed = true;

	constructor(
		private readonly view: SpaceView,
		private readonly me: MemberId,
		private readonly collective: () => string
	) {}

	/** Starts watching; answers the function that stops. */
	start(): () => void {
		const doc = this.view.doc;
		const spaceId = this.view.session.entry.id;
		let later: ReturnType<typeof setTimeout> | undefined;
		const soon = (delay: number) => {
			clearTimeout(later);
			later = setTimeout(() => this.check(), delay);
		};
		const onUpdate = () => {
			this.changed = true;
			soon(AFTER_CHANGE_MS);
		};
		const onVisible = () => document.visibilityState === 'visible' && (this.changed || Date.now() >= this.recheckAt) && soon(0);
		const onSettings = (event: Event) => (event as CustomEvent<string>).detail === spaceId && soon(0);
		// Not before the page's first screen: a check reads decisions, dues, food and bookings.
		soon(500);
		// Each minute, but a check only when time may have changed something: a large collective's takes a while.
		const timer = setInterval(() => (this.changed || Date.now() >= this.recheckAt) && this.check(), TICK_MS);
		doc.on('update', onUpdate);
		document.addEventListener('visibilitychange', onVisible);
		addEventListener(REMINDERS_CHANGED, onSettings);
		return () => {
			clearTimeout(later);
			clearInterval(timer);
			doc.off('update', onUpdate);
			document.removeEventListener('visibilitychange', onVisible);
			removeEventListener(REMINDERS_CHANGED, onSettings);
		};
	}

	private check(): void {
		if (this.view.loading || this.view.doc.isDestroyed) return;
		const spaceId = this.view.session.entry.id;
		const now = Date.now();
		// Pledges are news until the home page, which lists them, is seen again.
		const { reminders: all, recheckAt } = reminderSchedule(this.view.doc, { me: this.me, today: localDate(new Date(now)), now, since: readLastVisit(spaceId) });
		this.recheckAt = recheckAt;
		this.changed = false;
		const { kinds } = readReminderSettings(spaceId);
		const shown = all.filter((r) => kinds[r.kind]);
		this.list = shown;
		// The installed app's icon shows the count too, where the system offers it.
		if ('setAppBadge' in navigator) void navigator.setAppBadge(shown.length).catch(() => {});
		void notifyNew(spaceId, this.collective(), shown, `/s/${spaceId}`).catch(() => {
			// A notification the browser would not show: the reminder is still on the home page and in the count.
		});
		// What the next days will bring, for the service worker to show with the app closed: at an idle moment, it asks the schedule again several times.
		onIdle(() => {
			if (this.view.doc.isDestroyed) return;
			// Worked out only for a browser that can wake the service worker, and a person who asked for notifications.
			const wanted = readReminderSettings(spaceId).system && backgroundChecksOffered();
			const upcoming = wanted ? upcomingReminders(this.view.doc, this.me, Date.now()) : [];
			void keepForBackground(spaceId, this.collective(), upcoming, `/s/${spaceId}`).catch(() => {
				// Not kept: the reminders wait for the next opening, as without background checks.
			});
		});
	}
}
