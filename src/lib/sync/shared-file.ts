/**
 * A file shared to the installed app from the system's share sheet. The
 * service worker (static/share-target.js) keeps it in the Cache API under
 * these names until the files page of its collective imports it.
 */
const SHARED_FILE_CACHE = 'passerelle-shared-file';
const SHARED_FILE_KEY = '/shared-file';

export interface SharedFile {
	name: string;
	bytes: Uint8Array;
}

/** The file waiting to be imported, or null when none is (or the browser keeps no caches). */
export async function waitingSharedFile(): Promise<SharedFile | null> {
	if (typeof caches === 'undefined') return null;
	const cache = await caches.open(SHARED_FILE_CACHE);
	const response = await cache.match(SHARED_FILE_KEY);
	if (!response) return null;
	const name = decodeURIComponent(response.headers.get('x-file-name') ?? '');
	return { name, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** Forgets the waiting file, once imported or refused. */
export async function forgetSharedFile(): Promise<void> {
	if (typeof caches === 'undefined') return;
	await caches.delete(SHARED_FILE_CACHE);
}
