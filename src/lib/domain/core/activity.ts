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

/**
 * What a record says beyond its action, as data the page words in the
 * reader's language: amounts in minor units with their currency, quantities
 * with their unit, codes, dates. Only user-typed text (a name, a title, a
 * note) is kept as text, in `summary`, because the subject may later be gone.
 * Empty fields are not written: a history of tens of thousands of records
 * stays small.
 */
const ActivityDataSchema = {
	/** Money in minor units of `currency`, signed: negative when it went out. */
	amount: v.optional(v.pipe(v.number(), v.safeInteger())),
	currency: v.optional(v.pipe(v.string(), v.maxLength(8))),
	/** A quantity of goods or time, in `unit` (which may be empty). */
	quantity: v.optional(v.pipe(v.number(), v.finite())),
	unit: v.optional(v.pipe(v.string(), v.maxLength(40))),
	/** A second name: where a transfer went. */
	to: v.optional(text(200)),
	/** A code the page words: a dues period. */
	period: v.optional(v.pipe(v.string(), v.maxLength(32))),
	/** An ISO date the record is about: from when a dues amount applies. */
	since: v.optional(v.pipe(v.string(), v.maxLength(10)))
};
export type ActivityData = { [K in keyof typeof ActivityDataSchema]?: v.InferOutput<(typeof ActivityDataSchema)[K]> };

const ActivitySchema = v.pipe(
	v.object({
		id: idString,
		at: timestamp,
		by: entityId<'member'>(),
		/** What happened, as `<subject kind>.<verb>`: 'need.created', 'ledger.reversed', … */
		action: v.pipe(v.string(), v.regex(/^[a-z_]+\.[a-z_]+$/)),
		/** Written only when it is not the action's own kind ('dues.paid' is about a ledger entry). */
		subjectKind: v.optional(v.picklist(SUBJECT_KINDS)),
		subjectId: v.pipe(v.string(), v.maxLength(128)),
		decisionId: v.optional(v.nullable(entityId<'decision'>()), null),
		/** User-typed text about the subject at that moment: a need's title, a fund's name, a note. Older records also hold prose here. */
		summary: v.optional(text(200), ''),
		...ActivityDataSchema,
		/** What an edit changed, field by field, as stored values; records written before it have none. */
		changes: v.optional(v.array(v.object({ field: v.pipe(v.string(), v.maxLength(64)), from: v.unknown(), to: v.unknown() })))
	}),
	v.check((record) => record.subjectKind !== undefined || isSubjectKind(record.action.split('.')[0]!)),
	v.transform((record) => ({ ...record, subjectKind: record.subjectKind ?? (record.action.split('.')[0] as SubjectKind) }))
);

function isSubjectKind(kind: string): kind is SubjectKind {
	return (SUBJECT_KINDS as readonly string[]).includes(kind);
}

export type Activity = v.InferOutput<typeof ActivitySchema>;

export interface ActivityInput {
	at: number;
	by: MemberId;
	action: `${SubjectKind}.${string}`;
	subjectKind: SubjectKind;
	subjectId: string;
	decisionId?: DecisionId | null;
	summary?: string;
	changes?: { field: string; from: unknown; to: unknown }[];
	/** Amounts, quantities and codes the page words in the reader's language. */
	data?: ActivityData;
}

/** Appends a record. Call it inside the transaction of the change it describes. */
export function recordActivity(doc: Y.Doc, input: ActivityInput): void {
	const record: Record<string, unknown> = { id: newId<'activity'>(), at: input.at, by: input.by, action: input.action };
	if (input.action.split('.')[0] !== input.subjectKind) record.subjectKind = input.subjectKind;
	record.subjectId = input.subjectId;
	if (input.decisionId) record.decisionId = input.decisionId;
	const summary = (input.summary ?? '').slice(0, 200);
	if (summary !== '') record.summary = summary;
	for (const [key, value] of Object.entries(input.data ?? {})) {
		if (value === undefined || value === '') continue;
		record[key] = typeof value === 'string' ? value.slice(0, 200) : value;
	}
	if (input.changes && input.changes.length > 0) record.changes = input.changes.map(shortened);
	activityArray(doc).push([record]);
}

/** A history line shows the start of a long text; the whole of it stays on the entity and its revisions. */
const MAX_CHANGE_TEXT = 200;
function shortened(change: { field: string; from: unknown; to: unknown }): { field: string; from: unknown; to: unknown } {
	const cut = (value: unknown) => (typeof value === 'string' && value.length > MAX_CHANGE_TEXT ? `${value.slice(0, MAX_CHANGE_TEXT - 1)}…` : value);
	return { field: change.field, from: cut(change.from), to: cut(change.to) };
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
	const { sorted, unreadable } = activityLog(doc);
	const items: Activity[] = [];
	for (const a of sorted) {
		if (filter.subjectKind && a.subjectKind !== filter.subjectKind) continue;
		if (filter.subjectId && a.subjectId !== filter.subjectId) continue;
		if (filter.by && a.by !== filter.by) continue;
		if (filter.decisionId && a.decisionId !== filter.decisionId) continue;
		if (filter.from !== undefined && a.at < filter.from) continue;
		if (filter.to !== undefined && a.at > filter.to) continue;
		items.push(a);
	}
	return { items, unreadable };
}

const newestFirst = (x: Activity, y: Activity) => y.at - x.at || compareIds(x.id, y.id);

/** Each stored record read once: records are appended and never edited, so a record stays what it was read as. */
const readRecords = new WeakMap<object, Activity | null>();

function readRecord(raw: unknown): Activity | null {
	if (typeof raw !== 'object' || raw === null) {
		const parsed = v.safeParse(ActivitySchema, raw);
		return parsed.success ? Object.freeze(parsed.output) : null;
	}
	let record = readRecords.get(raw);
	if (record === undefined) {
		const parsed = v.safeParse(ActivitySchema, raw);
		record = parsed.success ? Object.freeze(parsed.output) : null;
		readRecords.set(raw, record);
	}
	return record;
}

/** Reads records ahead of need, a few at a time, so that the first page to show the history finds them read. */
export function readActivityAhead(records: readonly unknown[]): void {
	for (const raw of records) readRecord(raw);
}

interface Log {
	sorted: Activity[];
	unreadable: number;
	/** A record went away (never by this app): the log is read again in full. */
	stale: boolean;
}

/**
 * The whole history read and sorted once, then kept in order as records
 * arrive: a history of tens of thousands of records is not read and sorted
 * again for each page that shows it, nor on each write.
 */
const logs = new WeakMap<Y.Array<unknown>, Log>();

function readLog(array: Y.Array<unknown>): Log {
	const sorted: Activity[] = [];
	let unreadable = 0;
	for (const raw of array.toArray()) {
		const record = readRecord(raw);
		if (record) sorted.push(record);
		else unreadable++;
	}
	return { sorted: sorted.sort(newestFirst), unreadable, stale: false };
}

function activityLog(doc: Y.Doc): Log {
	const array = activityArray(doc);
	// Inside a transaction the observer has not been told yet: read afresh.
	if (array.doc === null || doc._transaction !== null) return readLog(array);
	let log = logs.get(array);
	if (log && !log.stale) return log;
	const fresh = readLog(array);
	if (!log) {
		array.observe((event) => {
			const kept = logs.get(array);
			if (!kept || kept.stale) return;
			const added: Activity[] = [];
			for (const change of event.changes.delta) {
				if (change.delete !== undefined) {
					kept.stale = true;
					return;
				}
				if (Array.isArray(change.insert)) {
					for (const raw of change.insert) {
						const record = readRecord(raw);
						if (record) added.push(record);
						else kept.unreadable++;
					}
				}
			}
			if (added.length > 64) {
				kept.sorted.push(...added);
				kept.sorted.sort(newestFirst);
			} else {
				for (const record of added) kept.sorted.splice(insertionPoint(kept.sorted, record), 0, record);
			}
		});
	}
	logs.set(array, fresh);
	return fresh;
}

/** Where `record` goes in `sorted`, after every record that sorts with it or before it. */
function insertionPoint(sorted: readonly Activity[], record: Activity): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (newestFirst(sorted[middle]!, record) <= 0) low = middle + 1;
		else high = middle;
	}
	return low;
}
