/**
 * When this device last showed a collective's home page, kept on the device only: the
 * page lists what others did since then.
 */
const KEY = 'passerelle:last-visit:';

export function readLastVisit(spaceId: string): number | null {
	try {
		const value = Number(localStorage.getItem(KEY + spaceId));
		return Number.isFinite(value) && value > 0 ? value : null;
	} catch {
		return null;
	}
}

export function saveLastVisit(spaceId: string, at: number): void {
	try {
		localStorage.setItem(KEY + spaceId, String(at));
	} catch {
		// Storage full or refused: the next visit lists everything as new, which harms nothing.
	}
}
