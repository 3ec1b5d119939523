/**
 * Counting the changes the relay has not yet confirmed. Each local transaction
 * leaves a mark: the writing client and its clock afterwards. The relay reports
 * its state vector once it has stored updates durably; a mark is confirmed when
 * that vector reaches its clock. Marks are kept on the device so a reload while
 * offline still shows what is waiting.
 */
export type Mark = readonly [client: number, clock: number];

export function addMark(marks: readonly Mark[], client: number, clock: number): Mark[] {
	return [...marks, [client, clock]];
}

export function unconfirmed(marks: readonly Mark[], relayState: ReadonlyMap<number, number>): Mark[] {
	return marks.filter(([client, clock]) => (relayState.get(client) ?? 0) < clock);
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
