/**
 * The first screen kept on the device. Loading a space two years old into its
 * document takes seconds on a slow phone, during which the page would be
 * empty. The views of the first screen (the space's name, the inventory) are
 * kept in IndexedDB as they were last shown; on the next opening they are
 * shown at once, marked as the last visit's, and replaced by the live ones as
 * soon as the document has loaded. They are kept only for the build that made
 * them: another build may shape them otherwise. Which views are kept is the
 * pages' choice (state/first-screen.ts); this module only stores them.
 */
const DATABASE = 'passerelle:first-screen';
const STORE = 'screens';

export interface KeptView {
	/** The view's arguments as JSON: a view kept for other filters is not shown. */
	args: string;
	value: unknown;
}

export interface FirstScreen {
	build: string;
	savedAt: number;
	views: Record<string, KeptView>;
}

/**
 * One connection, kept open: a page being left writes its first screen from its
 * `pagehide`, where only a transaction begun at once, on a database already
 * open, has a chance to be committed.
 */
let connection: Promise<IDBDatabase> | null = null;
let ready: IDBDatabase | null = null;

function open(): Promise<IDBDatabase> {
	connection ??= new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(DATABASE, 1);
		request.onupgradeneeded = () => request.result.createObjectStore(STORE);
		request.onsuccess = () => {
			const db = request.result;
			// Another version wanting the database (a newer build in another tab) gets it.
			db.onversionchange = () => {
				db.close();
				connection = null;
				ready = null;
			};
			ready = db;
			resolve(db);
		};
		request.onerror = () => {
			connection = null;
			reject(request.error);
		};
	});
	return connection;
}

function isFirstScreen(value: unknown): value is FirstScreen {
	if (typeof value !== 'object' || value === null) return false;
	const { build, savedAt, views } = value as Record<string, unknown>;
	return typeof build === 'string' && typeof savedAt === 'number' && typeof views === 'object' && views !== null;
}

/** The first screen kept for `spaceId` by this build, or null. Never fails: without it the page waits for the document. */
export async function readFirstScreen(spaceId: string, build: string): Promise<FirstScreen | null> {
	if (typeof indexedDB === 'undefined') return null;
	try {
		const db = await open();
		const value = await new Promise<unknown>((resolve, reject) => {
			const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(spaceId);
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		return isFirstScreen(value) && value.build === build ? value : null;
	} catch {
		return null;
	}
}

/** Keeps `screen` for `spaceId`. A failure (storage full, a value that cannot be stored) only costs the next opening's head start. */
export async function saveFirstScreen(spaceId: string, screen: FirstScreen): Promise<void> {
	if (typeof indexedDB === 'undefined') return;
	try {
		// Begun in the same task when the database is open: see `connection`.
		const db = ready ?? (await open());
		await new Promise<void>((resolve, reject) => {
			const transaction = db.transaction(STORE, 'readwrite');
			transaction.objectStore(STORE).put(screen, spaceId);
			// Committed now rather than when the task ends: the page may be going away.
			transaction.commit?.();
			transaction.oncomplete = () => resolve();
			transaction.onerror = () => reject(transaction.error);
			transaction.onabort = () => reject(transaction.error);
		});
	} catch {
		// see above
	}
}

/**
 * Resolves once the next frame has been drawn. The local copy starts loading
 * only then: decoding a large space holds the main thread for seconds, and the
 * first screen must be on screen before that. A slow phone can take well over
 * a tenth of a second to draw that frame, so there is no short timeout here;
 * only a hidden tab, which draws no frames, does not wait.
 */
export function afterPaint(): Promise<void> {
	return new Promise((resolve) => {
		if (typeof requestAnimationFrame === 'undefined' || typeof document === 'undefined' || document.visibilityState === 'hidden') {
			resolve();
			return;
		}
		requestAnimationFrame(() => setTimeout(resolve, 0));
		// Hidden while waiting: no frame will come.
		document.addEventListener('visibilitychange', () => resolve(), { once: true });
	});
}
