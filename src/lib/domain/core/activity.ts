/**
 * The collective's history: who did what, when, and under which decision.
 * Every write operation appends one record in the same transaction as the
 * change itself, so the history and the data never disagree. Records are
 * appended, never edited: concurrent appends from offline devices all survive.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { newId, type DecisionId, type MemberId } from './ids';
import { compareIds } from './order';
import { activityArray, entityId, idString, text, timestamp, type ReadResult } from './schema';

export const SUBJECT_KINDS = [
	'space',
	'member',
	'resource',
	'need',
	'pledge',
	'fund',
	'ledger',
	'dues',
	'booking',
	'decision',
	'conflict'
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const ActivitySchema = v.object({
	id: idString,
	at: timestamp,
	by: entityId<'member'>(),
	/** What happened, as `<subject kind>.<verb>`: 'need.created', 'ledger.reversed', … */
	action: v.pipe(v.string(), v.regex(/^[a-z_]+\.[a-z_]+$/)),
	subjectKind: v.picklist(SUBJECT_KINDS),
	subjectId: v.pipe(v.string(), v.maxLength(128)),
	decisionId: v.optional(v.nullable(entityId<'decision'>()), null),
	/** A short human label of the subject at that moment (a need's title, an amount…). */
	summary: v.optional(text(200), '')
});
export type Activity = v.InferOutput<typeof ActivitySchema>;

export interface ActivityInput {
	at: number;
	by: MemberId;
	action: `${SubjectKind}.${string}`;
	subjectKind: SubjectKind;
	subjectId: string;
	decisionId?: DecisionId | null;
	summary?: string;
}

/** Appends a record. Call it inside the transaction of the change it describes. */
export function recordActivity(doc: Y.Doc, input: ActivityInput): void {
	const record: Activity = {
		id: newId<'activity'>(),
		at: input.at,
		by: input.by,
		action: input.action,
		subjectKind: input.subjectKind,
		subjectId: input.subjectId,
		decisionId: input.decisionId ?? null,
		summary: (input.summary ?? '').slice(0, 200)
	};
	activityArray(doc).push([record]);
}

export interface ActivityFilter {
	subjectKind?: SubjectKind;
	subjectId?: string;
	by?: MemberId;
	decisionId?: DecisionId;
	/** Inclusive bounds, in ms since the epoch. */
	from?: number;
	to?: number;
}

/** Newest first; records that fail validation are skipped and counted. */
export function listActivity(doc: Y.Doc, filter: ActivityFilter = {}): ReadResult<Activity> {
	const items: Activity[] = [];
	let unreadable = 0;
	for (const raw of activityArray(doc).toArray()) {
		const parsed = v.safeParse(ActivitySchema, raw);
		if (!parsed.success) {
			unreadable++;
			continue;
		}
		const a = parsed.output;
		if (filter.subjectKind && a.subjectKind !== filter.subjectKind) continue;
		if (filter.subjectId && a.subjectId !== filter.subjectId) continue;
		if (filter.by && a.by !== filter.by) continue;
		if (filter.decisionId && a.decisionId !== filter.decisionId) continue;
		if (filter.from !== undefined && a.at < filter.from) continue;
		if (filter.to !== undefined && a.at > filter.to) continue;
		items.push(a);
	}
	items.sort((x, y) => y.at - x.at || compareIds(x.id, y.id));
	return { items, unreadable };
}
