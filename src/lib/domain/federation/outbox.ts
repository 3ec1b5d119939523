/**
 * A collective's outbox: the requests its members make to other collectives'
 * offers, written in its own space (offline if need be) for a delegate's device
 * to carry into the federation, with the answer copied back beside each.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { newId, type MemberId, type ResourceId } from '../core/ids';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, idString, plainValue, recordedFields, setRecorded, text, timestamp } from '../core/schema';
import { opened } from '../core/derived';
import { ANSWERS, writeIdSchema } from './exchange';
import type { CollectiveId } from './identity';

export function outboxMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('outbox'));
}
const OFFER_KEY = /^([A-Za-z0-9_-]{43})\.offer\.([A-Za-z0-9_-]{16,64})$/;

/** The collective and the resource an offer's copy key names, or null for anything else. */
export function offerOf(copy: string): { owner: CollectiveId; resource: ResourceId } | null {
	const match = OFFER_KEY.exec(copy);
	return match ? { owner: match[1] as CollectiveId, resource: match[2] as ResourceId } : null;
}

/** An offer's copy key, as a request names what it asks for. */
export const copyKeyText = v.pipe(v.string(), v.regex(OFFER_KEY, 'not an offer'));
const endAfterStart = <T extends { start: number; end: number }>() =>
	v.forward<T, v.CheckIssue<T>, ['end']>(
		v.check((slot) => slot.end > slot.start, 'must be after start'),
		['end'] as never
	);

const AskObject = v.object({
	federation: idString,
	copy: copyKeyText,
	/** The offer's name when asked, so B's list reads even before the federation is loaded. */
	title: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120)), ''),
	start: timestamp,
	end: timestamp,
	note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(1000)), '')
});
const AskInput = v.pipe(AskObject, endAfterStart<v.InferOutput<typeof AskObject>>());
export type AskInput = v.InferInput<typeof AskInput>;

const OutboxObject = v.object({
	id: idString,
	federation: idString,
	copy: copyKeyText,
	title: v.optional(text(120), ''),
	start: timestamp,
	end: timestamp,
	note: v.optional(text(1000), ''),
	createdAt: timestamp,
	createdBy: idString,
	cancelledAt: v.optional(v.nullable(timestamp), null),
	/** This collective gave back what it borrowed: the owner confirms it on its side. */
	returnedAt: v.optional(v.nullable(timestamp), null),
	answer: v.optional(v.nullable(v.picklist(ANSWERS)), null),
	/** The federation write the answer was copied from (Yjs client and clock). */
	answerFrom: v.optional(v.nullable(writeIdSchema), null)
});
const OutboxSchema = v.pipe(v.unknown(), recordedFields, OutboxObject);
export type OutboxRequest = v.InferOutput<typeof OutboxObject>;

/** Writes a request into the collective's own outbox: it leaves with the next delegate's device that carries it. */
export function askToBorrow(doc: Y.Doc, input: AskInput, by: MemberId, now = Date.now()): { ok: true; id: string } | InvalidField {
	const checked = checkInput(AskInput, input);
	if (!checked.ok) return checked;
	const { federation, copy, title, start, end, note } = checked.value;
	const id = newId<'request'>();
	doc.transact(() => {
		const entry = new Y.Map<unknown>();
		setRecorded(entry, { federation, copy, title, start, end, note, createdAt: now, createdBy: by });
		outboxMap(doc).set(id, entry);
	}, LOCAL_ORIGIN);
	return { ok: true, id };
}

export type CancelAskResult = { ok: true } | Refusal<'not_found'> | Refusal<'already_cancelled'>;

/** Takes a request back. It reaches the owner as a cancellation, which wins over a confirmation made meanwhile. */
export function cancelAsk(doc: Y.Doc, id: string, by: MemberId, now = Date.now()): CancelAskResult {
	const entry = outboxMap(doc).get(id);
	if (!(entry instanceof Y.Map) || !readAsk(id, entry)) return { ok: false, reason: 'not_found' };
	if (entry.get('cancelledAt') != null) return { ok: false, reason: 'already_cancelled' };
	doc.transact(() => {
		entry.set('cancelledAt', now);
		entry.set('cancelledBy', by);
	}, LOCAL_ORIGIN);
	return { ok: true };
}

export type GiveBackResult = { ok: true } | Refusal<'not_found'> | Refusal<'not_accepted'> | Refusal<'already_returned'>;

/**
 * Says that what was borrowed went back to its owner. It reaches the owner with the
 * next delegate's device, where a member confirms it came back.
 */
export function giveBack(doc: Y.Doc, id: string, by: MemberId, now = Date.now()): GiveBackResult {
	const entry = outboxMap(doc).get(id);
	const ask = readAsk(id, entry);
	if (!(entry instanceof Y.Map) || !ask) return { ok: false, reason: 'not_found' };
	if (ask.returnedAt !== null || ask.answer === 'returned') return { ok: false, reason: 'already_returned' };
	if (ask.cancelledAt !== null || ask.answer !== 'accepted') return { ok: false, reason: 'not_accepted' };
	doc.transact(() => {
		entry.set('returnedAt', now);
		entry.set('returnedBy', by);
	}, LOCAL_ORIGIN);
	return { ok: true };
}

function readAsk(id: string, value: unknown): OutboxRequest | null {
	if (!(value instanceof Y.Map)) return null;
	const plain = plainValue(value);
	if (typeof plain !== 'object' || plain === null) return null;
	const parsed = v.safeParse(OutboxSchema, { ...(plain as object), id });
	return parsed.success && parsed.output.end > parsed.output.start ? parsed.output : null;
}

/** The requests this collective made, newest first; those of one federation when named. */
export function readOutbox(doc: Y.Doc, federation?: string): { items: OutboxRequest[]; unreadable: number } {
	const items: OutboxRequest[] = [];
	let unreadable = 0;
	for (const [id, value] of outboxMap(doc).entries()) {
		const ask = readAsk(id, value);
		if (!ask) unreadable++;
		else if (!federation || ask.federation === federation) items.push(ask);
	}
	items.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return { items, unreadable };
}
