/**
 * Records of a federation that concern this collective and fail their check:
 * a request or pledge naming its offers or needs signed by someone else than
 * the collective it names, an answer to its requests not signed by the owner,
 * a record under its own name that it did not sign. Nothing of such a record
 * is copied into the collective's space; only the fact that one was seen, and
 * where, is noted, so that the collective's conflicts page can show it.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { opened } from '../core/derived';
import { LOCAL_ORIGIN, idString, isoDate, plainValue } from '../core/schema';
import { contentHash } from './canonical';

export function alertsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('federationAlerts'));
}

/** At most this many noted per federation: a flood of forged records must not fill the collective's space. */
export const ALERTS_PER_FEDERATION = 50;

const AlertSchema = v.object({ federation: idString, record: v.pipe(v.string(), v.maxLength(300)), seenOn: isoDate });
export type Alert = v.InferOutput<typeof AlertSchema> & { id: string };

/** The key a record's alert sits under: the same on every device that sees it. */
export function alertId(federation: string, record: string): string {
	return contentHash({ alert: [federation, record] });
}

export function readAlerts(doc: Y.Doc): Alert[] {
	const out: Alert[] = [];
	for (const [id, raw] of alertsMap(doc).entries()) {
		const parsed = v.safeParse(AlertSchema, plainValue(raw));
		if (parsed.success) out.push({ ...parsed.output, id });
	}
	return out.sort((a, b) => (a.seenOn < b.seenOn ? -1 : a.seenOn > b.seenOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Notes the records not noted yet; returns how many were written. */
export function noteUnverified(doc: Y.Doc, federation: string, records: readonly string[], today: string): number {
	const map = alertsMap(doc);
	let count = 0;
	for (const alert of readAlerts(doc)) if (alert.federation === federation) count++;
	const fresh = [...new Set(records)].sort().filter((record) => !map.has(alertId(federation, record)));
	const room = Math.max(0, ALERTS_PER_FEDERATION - count);
	const written = fresh.slice(0, room);
	if (written.length === 0) return 0;
	doc.transact(() => {
		for (const record of written) map.set(alertId(federation, record), { federation, record: record.slice(0, 300), seenOn: today });
	}, LOCAL_ORIGIN);
	return written.length;
}
