/**
 * The collective's history: who did what, when, and under which decision.
 * Every write operation appends one record in the same transaction as the
 * change itself, so the history and the data never disagree. Records are
 * appended, never edited: concurrent appends from offline devices all survive.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { opened } from './derived';
import { newId, type DecisionId, type MemberId } from './ids';
import { compareIds } from './order';
import { activityArray, entityId, idString, LOCAL_ORIGIN, text, timestamp, type ReadResult } from './schema';

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
	since: v.optional(v.pipe(v.string(), v.maxLength(10))),
	/** A role given or taken back: 'treasurer', 'closer', 'keeper'. */
	role: v.optional(v.pipe(v.string(), v.maxLength(32)))
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

/**
 * Newest first; records that fail validation are skipped and counted. With the
 * space's archive document (see archiving below), its records are read too, each
 * record once even when both documents hold it.
 */
export function listActivity(doc: Y.Doc, filter: ActivityFilter = {}, archive: Y.Doc | null = null): ReadResult<Activity> {
	const log = activityLog(doc);
	const { sorted, unreadable } = archive === null ? log : mergedLogs(log, activityLog(archive));
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

/** Two logs as one, newest first, each record once: a record may sit in both while it is being archived, or twice in the archive. */
function mergedLogs(space: Log, archive: Log): { sorted: Activity[]; unreadable: number } {
	const sorted: Activity[] = [];
	const seen = new Set<string>();
	const take = (record: Activity) => {
		if (seen.has(record.id)) return;
		seen.add(record.id);
		sorted.push(record);
	};
	let i = 0;
	let j = 0;
	const a = space.sorted;
	const b = archive.sorted;
	while (i < a.length && j < b.length) {
		if (newestFirst(a[i]!, b[j]!) <= 0) take(a[i++]!);
		else take(b[j++]!);
	}
	while (i < a.length) take(a[i++]!);
	while (j < b.length) take(b[j++]!);
	return { sorted, unreadable: space.unreadable + archive.unreadable };
}

/*
 * Archiving. A space's history grows with every write, and most of it is read
 * only by the history page and the reports of old periods. Past a size, a member
 * device copies the oldest records into the space's archive, a second document
 * synced apart and opened only when a page asks for old records, and removes them
 * from the space once that copy is kept on the device and on the relay. Records
 * keep their ids, so two devices archiving at once write some twice and every
 * reader reads them once; a removal takes exactly the records it was given.
 */

/** Past this many records in the space, the oldest are archived. */
export const ARCHIVE_ABOVE = 5000;
/** How many of the newest records stay in the space: what the history page shows at once. */
export const KEEP_RECENT = 3000;

export interface ArchiveLimits {
	above: number;
	keep: number;
}

/** The ids of the records to archive now, oldest last: none until the space holds more than `above`. */
export function recordsToArchive(space: Y.Doc, limits: ArchiveLimits = { above: ARCHIVE_ABOVE, keep: KEEP_RECENT }): string[] {
	if (!(limits.keep >= 0 && limits.above >= limits.keep)) throw new RangeError('An archive keeps fewer records than it starts at');
	if (activityArray(space).length <= limits.above) return [];
	return activityLog(space)
		.sorted.slice(limits.keep)
		.map((record) => record.id);
}

/** The ids a raw array holds, read or not. */
function storedIds(array: Y.Array<unknown>): Set<string> {
	const ids = new Set<string>();
	for (const raw of array.toArray()) {
		const id = idOf(raw);
		if (id !== null) ids.add(id);
	}
	return ids;
}

function idOf(raw: unknown): string | null {
	if (typeof raw !== 'object' || raw === null) return null;
	const id = (raw as { id?: unknown }).id;
	return typeof id === 'string' ? id : null;
}

/**
 * Copies the space's records named by `ids` into the archive, those it does not
 * hold yet, as they are stored; returns how many were written (none the second time).
 */
export function copyToArchive(space: Y.Doc, archive: Y.Doc, ids: Iterable<string>): number {
	const wanted = new Set(ids);
	const held = storedIds(activityArray(archive));
	const copies: Record<string, unknown>[] = [];
	for (const raw of activityArray(space).toArray()) {
		const id = idOf(raw);
		if (id === null || !wanted.has(id) || held.has(id)) continue;
		held.add(id);
		copies.push({ ...(raw as Record<string, unknown>) });
	}
	if (copies.length === 0) return 0;
	archive.transact(() => activityArray(archive).push(copies), LOCAL_ORIGIN);
	return copies.length;
}

/**
 * Removes from the space the records named by `confirmed` that the archive
 * holds: the caller names only records whose archived copy is known to be kept
 * on the device and on the relay. Runs of records go as a few deletion ranges.
 * Notes in the space how far the archive reaches, so that any device knows that
 * older records exist before it has the archive. Returns how many were removed.
 */
export function removeArchived(space: Y.Doc, archive: Y.Doc, confirmed: ReadonlySet<string>): number {
	const held = storedIds(activityArray(archive));
	const array = activityArray(space);
	const raws = array.toArray();
	const runs: [number, number][] = [];
	let newest = 0;
	for (let index = 0; index < raws.length; index++) {
		const raw = raws[index];
		const id = idOf(raw);
		if (id === null || !confirmed.has(id) || !held.has(id)) continue;
		const at = (raw as { at?: unknown }).at;
		if (typeof at === 'number' && at > newest) newest = at;
		const last = runs[runs.length - 1];
		if (last !== undefined && last[0] + last[1] === index) last[1]++;
		else runs.push([index, 1]);
	}
	if (runs.length === 0) return 0;
	let removed = 0;
	space.transact(() => {
		// From the end, so that the indexes of the runs before stay right.
		for (let r = runs.length - 1; r >= 0; r--) {
			const [index, length] = runs[r]!;
			array.delete(index, length);
			removed += length;
		}
		const mark = archiveMark(space);
		if (newest > Number(mark.get(String(space.clientID)) ?? 0)) mark.set(String(space.clientID), newest);
	}, LOCAL_ORIGIN);
	return removed;
}

/** Per device that archived, the time of the newest record it archived: a key per device, so none overwrites another. */
function archiveMark(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('archive'));
}

/**
 * Up to when (ms since the epoch, inclusive) records of this document were
 * moved to the archive, or null when none ever were.
 */
export function archivedUpTo(doc: Y.Doc): number | null {
	let newest: number | null = null;
	for (const value of archiveMark(doc).values()) {
		if (typeof value === 'number' && Number.isFinite(value) && (newest === null || value > newest)) newest = value;
	}
	return newest;
}

/** How many history records the document holds, read or not. */
export function storedActivityCount(doc: Y.Doc): number {
	return activityArray(doc).length;
}
