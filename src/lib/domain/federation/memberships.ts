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
	addedAt: timestamp
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
	if (before.success && JSON.stringify(before.output) === JSON.stringify(link)) return { ok: true, changed: false };
	doc.transact(() => map.set(link.id, link), LOCAL_ORIGIN);
	return { ok: true, changed: true };
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
