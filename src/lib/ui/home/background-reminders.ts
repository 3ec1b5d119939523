/**
 * Reminders for a phone with the app closed. While a page of the collective
 * is open, the reminders that time alone will bring in the next days
 * (upcomingReminders) are written, already worded, to a small IndexedDB
 * database; where the browser offers Periodic Background Sync, the service
 * worker wakes now and then, reads it and shows those that have come due
 * (static/notifications.js, which opens the same database). What it says is
 * the collective as this device last saw it; nothing leaves the device.
 *
 * The same database remembers which notifications were shown, by tag, so
 * that the page and the service worker never show one twice.
 */
import * as idb from 'lib0/indexeddb';

/** Shared with static/notifications.js: change both together. */
const DB_NAME = 'passerelle-reminders';
const UPCOMING = 'upcoming';
const SHOWN = 'shown';
export const BACKGROUND_TAG = 'passerelle-reminders';
/** Shown tags are forgotten after this long: a reminder's key changes when it has something new to say. */
const SHOWN_KEPT_MS = 30 * 86_400_000;

/** One notification to show later, worded in the reader's language. */
export interface UpcomingNotification {
	tag: string;
	body: string;
	url: string;
	dueAt: number;
	/** After this, it is no longer worth showing; null for never. */
	until: number | null;
}

function open(): Promise<IDBDatabase> {
	return idb.openDB(DB_NAME, (db) =>
		idb.createStores(db, [
			[UPCOMING, { keyPath: 'spaceId' }],
			[SHOWN, { keyPath: 'tag' }]
		])
	);
}

async function using<T>(work: (db: IDBDatabase) => Promise<T>): Promise<T> {
	const db = await open();
	try {
		return await work(db);
	} finally {
		db.close();
	}
}

/** Replaces what the service worker may show for this collective. */
export function keepUpcoming(spaceId: string, collective: string, items: UpcomingNotification[]): Promise<void> {
	return using(async (db) => {
		const [store] = idb.transact(db, [UPCOMING]);
		await idb.rtop(store!.put({ spaceId, collective, items }));
	});
}

/** Nothing more to show for this collective: its notifications were turned off, or it left the device. */
export function forgetUpcoming(spaceId: string): Promise<void> {
	return using(async (db) => {
		const [store] = idb.transact(db, [UPCOMING]);
		await idb.del(store!, spaceId);
	});
}

/** Which of these tags were already shown, by the page or by the service worker. */
export function shownAmong(tags: readonly string[]): Promise<Set<string>> {
	return using(async (db) => {
		const [store] = idb.transact(db, [SHOWN], 'readonly');
		const found = new Set<string>();
		for (const tag of tags) if ((await idb.get(store!, tag)) !== undefined) found.add(tag);
		return found;
	});
}

/** Remembers these tags as shown, and forgets those shown long ago. */
export function markShown(tags: readonly string[], now = Date.now()): Promise<void> {
	return using(async (db) => {
		const [store] = idb.transact(db, [SHOWN]);
		for (const tag of tags) await idb.rtop(store!.put({ tag, at: now }));
		const all = (await idb.getAll(store!)) as { tag: string; at: number }[];
		for (const old of all) if (old.at < now - SHOWN_KEPT_MS) await idb.del(store!, old.tag);
	});
}

/** Whether this browser can wake the service worker at all: elsewhere nothing is worked out for it. */
export function backgroundChecksOffered(): boolean {
	return typeof ServiceWorkerRegistration !== 'undefined' && 'periodicSync' in ServiceWorkerRegistration.prototype;
}

/**
 * Asks the browser to wake the service worker now and then. Browsers offer
 * it to installed apps only, and some not at all: then the reminders wait
 * for the next opening, as before. Answers whether it was granted.
 */
export async function askBackgroundChecks(): Promise<boolean> {
	if (!('serviceWorker' in navigator)) return false;
	const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
		periodicSync?: { register(tag: string, options: { minInterval: number }): Promise<void> };
	};
	if (!registration.periodicSync) return false;
	try {
		await registration.periodicSync.register(BACKGROUND_TAG, { minInterval: 3_600_000 });
		return true;
	} catch {
		return false;
	}
}
