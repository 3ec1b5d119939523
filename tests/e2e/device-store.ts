/**
 * What a phone keeps of a space in its IndexedDB, read and written from the
 * page as y-indexeddb does: a test can put a space on a device without typing
 * it, or see what the device holds.
 */
import type { Page } from 'playwright-core';

/** The updates the device keeps for the space, base64, read from its IndexedDB. */
export function storedUpdates(page: Page, spaceId: string): Promise<string[]> {
	return page.evaluate(
		(name) =>
			new Promise<string[]>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const all = open.result.transaction('updates').objectStore('updates').getAll();
					all.onsuccess = () => {
						open.result.close();
						resolve((all.result as Uint8Array[]).map((u) => btoa(Array.from(u, (b) => String.fromCharCode(b)).join(''))));
					};
				};
			}),
		`passerelle:${spaceId}`
	);
}

/** Adds one update to what the device keeps, as y-indexeddb adds each change. */
export function storeUpdate(page: Page, spaceId: string, update: Uint8Array): Promise<void> {
	return page.evaluate(
		([name, base64]) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
					const tx = open.result.transaction('updates', 'readwrite');
					tx.objectStore('updates').add(bytes);
					tx.oncomplete = () => {
						open.result.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			}),
		[`passerelle:${spaceId}`, Buffer.from(update).toString('base64')] as const
	);
}
