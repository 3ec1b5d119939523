/**
 * The federations a collective belongs to, kept in its own document so that
 * every member device (read-only ones too) can open and read them, offline as
 * well once loaded. Only what reading needs is kept here: the federation's id,
 * relay and read secret. The member secret of a federation, which lets a
 * device write into it, stays on the devices of the collective's delegates and
 * never enters the collective's document.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { checkInput, type InvalidField } from '../core/refusals';
import { LOCAL_ORIGIN, plainValue, text, timestamp } from '../core/schema';
import { compareIds } from '../core/order';
import { federationsMap } from './schema';

const token = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/));

export const FederationLinkSchema = v.object({
	id: token,
	name: v.optional(text(120), ''),
	relayUrl: v.pipe(v.string(), v.maxLength(500), v.url(), v.regex(/^wss?:\/\//)),
	readSecret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/)),
	addedAt: timestamp,
	/** When the collective left the federation: its copies are withdrawn and its directory entry says so. Absent while it belongs. */
	leftAt: v.optional(v.nullable(timestamp)),
	/** The federation's charter as first seen (admission.ts): who founded it, and how it admits. */
	charter: v.optional(
		v.object({
			founder: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
			nonce: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/)),
			admission: v.picklist(['open', 'decision'])
		})
	)
});
export type FederationLink = v.InferOutput<typeof FederationLinkSchema>;

const FederationLinkInput = v.object({
	id: token,
	name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120)), ''),
	relayUrl: v.pipe(v.string(), v.maxLength(500), v.url(), v.regex(/^wss?:\/\//)),
	readSecret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/))
});
export type FederationLinkInput = v.InferInput<typeof FederationLinkInput>;

export type KeepFederationResult = { ok: true; changed: boolean } | InvalidField;

/** Keeps (or updates) how the collective reads a federation. Idempotent. */
export function keepFederation(doc: Y.Doc, input: FederationLinkInput, now = Date.now()): KeepFederationResult {
	const checked = checkInput(FederationLinkInput, input);
	if (!checked.ok) return checked;
	const map = federationsMap(doc);
	const before = v.safeParse(FederationLinkSchema, plainValue(map.get(checked.value.id)));
	const addedAt = before.success ? before.output.addedAt : now;
	const link: FederationLink = { ...checked.value, addedAt };
	// A charter pinned before stays: opening the invite again must not unpin it.
	if (before.success && before.output.charter) link.charter = before.output.charter;
	if (before.success && JSON.stringify(before.output) === JSON.stringify(link)) return { ok: true, changed: false };
	doc.transact(() => map.set(link.id, link), LOCAL_ORIGIN);
	return { ok: true, changed: true };
}

/** Keeps the charter the collective first saw for this federation; one already kept is never replaced. */
export function pinCharter(doc: Y.Doc, id: string, charter: { founder: string; nonce: string; admission: 'open' | 'decision' }): boolean {
	const link = readFederations(doc).items.find((item) => item.id === id);
	if (!link || link.charter) return false;
	doc.transact(() => federationsMap(doc).set(id, { ...link, charter: { founder: charter.founder, nonce: charter.nonce, admission: charter.admission } }), LOCAL_ORIGIN);
	return true;
}

export type LeaveResult = { ok: true } | { ok: false; reason: 'not_found' | 'already_left' | 'not_left' };

/**
 * The collective leaves a federation: the next delegate's device that carries
 * it withdraws every copy and marks the directory entry as left. The
 * federation stays readable (requests and pledges under way can be answered),
 * and opening its invite again brings the collective back.
 */
export function leaveFederation(doc: Y.Doc, id: string, now = Date.now()): LeaveResult {
	const link = readFederations(doc).items.find((item) => item.id === id);
	if (!link) return { ok: false, reason: 'not_found' };
	if (link.leftAt) return { ok: false, reason: 'already_left' };
	doc.transact(() => federationsMap(doc).set(id, { ...link, leftAt: now }), LOCAL_ORIGIN);
	return { ok: true };
}

/** Comes back into a federation left before: its publications are carried again. */
export function rejoinFederation(doc: Y.Doc, id: string): LeaveResult {
	const link = readFederations(doc).items.find((item) => item.id === id);
	if (!link) return { ok: false, reason: 'not_found' };
	if (!link.leftAt) return { ok: false, reason: 'not_left' };
	const { leftAt: _left, ...back } = link;
	doc.transact(() => federationsMap(doc).set(id, back), LOCAL_ORIGIN);
	return { ok: true };
}

/** The federations this collective reads, oldest first; an entry that does not read is counted. */
export function readFederations(doc: Y.Doc): { items: FederationLink[]; unreadable: number } {
	let unreadable = 0;
	const items: FederationLink[] = [];
	for (const [key, raw] of federationsMap(doc).entries()) {
		const parsed = v.safeParse(FederationLinkSchema, plainValue(raw));
		if (parsed.success && parsed.output.id === key) items.push(parsed.output);
		else unreadable++;
	}
	items.sort((a, b) => a.addedAt - b.addedAt || compareIds(a.id, b.id));
	return { items, unreadable };
}
