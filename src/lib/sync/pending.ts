/**
 * Counting the changes the relay has not yet confirmed. Each local transaction
 * leaves a mark: the writing client and its clock afterwards. The relay reports
 * its state vector once it has stored updates durably; a mark is confirmed when
 * that vector reaches its clock. Marks are kept on the device so a reload while
 * offline still shows what is waiting.
 *
 * Marks live in localStorage, the changes in IndexedDB: the browser can lose
 * the second and keep the first (site data cleared for one store, eviction
 * under storage pressure). A mark whose change is no longer in the copy loaded
 * from IndexedDB can never be confirmed: that change is lost.
 */
export type Mark = readonly [client: number, clock: number];

/**
 * The transaction origin of changes merged from a file. They are other
 * writers' changes that this device may be the only one to carry to a relay,
 * so they wait to be confirmed as its own edits do.
 */
export const FILE_ORIGIN = Symbol('passerelle:file');

export function addMark(marks: readonly Mark[], client: number, clock: number): Mark[] {
	return [...marks, [client, clock]];
}

/**
 * One mark per writer whose changes a merge brought: the writer and the clock
 * it reached. A merge that only deleted leaves no mark, as a state vector
 * cannot say when the relay holds a deletion.
 */
export function marksOfMerge(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): Mark[] {
	const marks: Mark[] = [];
	for (const [client, clock] of after) if (clock > (before.get(client) ?? 0)) marks.push([client, clock]);
	return marks;
}

export function unconfirmed(marks: readonly Mark[], relayState: ReadonlyMap<number, number>): Mark[] {
	return marks.filter(([client, clock]) => (relayState.get(client) ?? 0) < clock);
}

/**
 * Splits marks by whether the loaded copy still holds their change: `stateOf`
 * gives the clock the document has reached for a writer (0 when it has nothing
 * of it, as `Y.getState` does).
 */
export function lostMarks(marks: readonly Mark[], stateOf: (client: number) => number): { kept: Mark[]; lost: Mark[] } {
	const kept: Mark[] = [];
	const lost: Mark[] = [];
	for (const mark of marks) (stateOf(mark[0]) < mark[1] ? lost : kept).push(mark);
	return { kept, lost };
}

export function parseMarks(raw: string | null): Mark[] {
	if (!raw) return [];
	try {
		const value: unknown = JSON.parse(raw);
		if (!Array.isArray(value)) return [];
		return value.filter(
			(m): m is Mark =>
				Array.isArray(m) && m.length === 2 && Number.isSafeInteger(m[0]) && Number.isSafeInteger(m[1])
		);
	} catch {
		return [];
	}
}
