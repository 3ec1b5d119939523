/**
 * The order of names in the domain's lists. It must not depend on the
 * device's language: two members reading the same list in French and in
 * Italian see the same order, and tie-breaks fall back on the id so that
 * equal names still sort the same everywhere.
 */
const collator = new Intl.Collator('und', { numeric: true });

/** Names compared the same way on every device: case and accents only break ties, numbers by value ("Salle 2" before "Salle 10"). */
export function compareNames(a: string, b: string): number {
	return collator.compare(a, b);
}

/** A total order on ids, for ties: plain code-unit order, never the locale's. */
export function compareIds(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
