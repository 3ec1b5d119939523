// Takes a file shared to the installed app from the system's share sheet (the
// manifest's share_target posts it here), keeps it until the app reads it,
// and sends the person on to the page that finds its collective. The names
// below are read by src/lib/sync/shared-file.ts.
const SHARED_FILE_CACHE = 'passerelle-shared-file';
const SHARED_FILE_KEY = '/shared-file';

self.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (event.request.method !== 'POST' || url.origin !== self.location.origin || url.pathname !== '/share-file') return;
	event.respondWith(keepSharedFile(event.request));
});

async function keepSharedFile(request) {
	let outcome = 'received';
	try {
		const form = await request.formData();
		const file = form.getAll('file').find((value) => typeof value !== 'string');
		if (file) {
			const cache = await caches.open(SHARED_FILE_CACHE);
			await cache.put(
				SHARED_FILE_KEY,
				new Response(file, { headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) } })
			);
		} else outcome = 'none';
	} catch {
		outcome = 'unreadable';
	}
	return Response.redirect(new URL(`/shared?${outcome}`, self.location.origin).href, 303);
}
