/**
 * A form's unsaved values, kept in sessionStorage as they are typed, so that
 * reloading into a new version (or an accidental reload) loses nothing.
 */
export function loadDraft<T extends object>(key: string, fallback: T): T {
	try {
		const raw = sessionStorage.getItem(key);
		if (!raw) return fallback;
		const stored: unknown = JSON.parse(raw);
		if (typeof stored !== 'object' || stored === null) return fallback;
		// Only keys the form knows, with the type it expects.
		const merged = { ...fallback };
		for (const key of Object.keys(fallback) as (keyof T)[]) {
			const value = (stored as Record<string, unknown>)[key as string];
			if (typeof value === typeof fallback[key]) merged[key] = value as T[keyof T];
		}
		return merged;
	} catch {
		return fallback;
	}
}

export function saveDraft(key: string, value: object): void {
	try {
		sessionStorage.setItem(key, JSON.stringify(value));
	} catch {
		// Storage full or unavailable: the draft is only a convenience.
	}
}

export function clearDraft(key: string): void {
	try {
		sessionStorage.removeItem(key);
	} catch {
		// see saveDraft
	}
}
