// A tap on one of the app's reminders opens the page it is about, in the
// app's window when one is open, in a new one otherwise. The reminders are
// shown by the app itself (src/lib/ui/home/reminders.ts).
self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const url = new URL(event.notification.data?.url ?? '/', self.location.origin).href;
	event.waitUntil(openPage(url));
});

async function openPage(url) {
	const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
	for (const client of windows) {
		if (new URL(client.url).origin !== self.location.origin) continue;
		await client.focus();
		return client.navigate(url);
	}
	return self.clients.openWindow(url);
}

// With the app closed: where the browser offers Periodic Background Sync, it wakes this worker
// now and then, and the reminders the app foresaw at its last opening (src/lib/ui/home/
// background-reminders.ts, which writes them already worded) are shown once they are due.
// What they say is the collective as the device last saw it.
const REMINDERS_DB = 'passerelle-reminders';

self.addEventListener('periodicsync', (event) => {
	if (event.tag === 'passerelle-reminders') event.waitUntil(showDueReminders());
});

function request(req) {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

function openReminders() {
	const opening = indexedDB.open(REMINDERS_DB);
	// The same stores as the page creates, should the worker open the database first.
	opening.onupgradeneeded = () => {
		opening.result.createObjectStore('upcoming', { keyPath: 'spaceId' });
		opening.result.createObjectStore('shown', { keyPath: 'tag' });
	};
	return request(opening);
}

async function showDueReminders() {
	const db = await openReminders();
	try {
		const now = Date.now();
		const spaces = await request(db.transaction('upcoming', 'readonly').objectStore('upcoming').getAll());
		for (const { collective, items } of spaces) {
			for (const item of items ?? []) {
				if (item.dueAt > now || (item.until !== null && now >= item.until)) continue;
				const shown = await request(db.transaction('shown', 'readonly').objectStore('shown').get(item.tag));
				if (shown !== undefined) continue;
				await self.registration.showNotification(collective, { body: item.body, tag: item.tag, data: { url: item.url } });
				await request(db.transaction('shown', 'readwrite').objectStore('shown').put({ tag: item.tag, at: now }));
			}
		}
	} finally {
		db.close();
	}
}
