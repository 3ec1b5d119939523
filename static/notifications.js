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
