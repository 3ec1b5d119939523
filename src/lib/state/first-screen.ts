/**
 * Which views make a space's first screen, kept on the device between visits
 * (see sync/first-screen.ts for how they are stored and when they show).
 */
const names = new WeakMap<object, string>();

/** Marks `compute` as a view of the first screen, kept on the device under `name`. */
export function keepOnDevice<F extends object>(name: string, compute: F): F {
	names.set(compute, name);
	return compute;
}

export function keptName(compute: object): string | undefined {
	return names.get(compute);
}

/**
 * Whether a kept view's arguments stand for `args`. Dates are left out: a view
 * kept yesterday for "today" is still the best first screen this morning, and
 * it is replaced by the live one a moment later.
 */
export function sameArgs(kept: string, args: string): boolean {
	const withoutDates = (json: string) => json.replace(/"\d{4}-\d{2}-\d{2}"/g, '"date"');
	return kept === args || withoutDates(kept) === withoutDates(args);
}
