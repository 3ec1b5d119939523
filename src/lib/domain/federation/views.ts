/**
 * What a federation page shows: the directory of member collectives, and the
 * offers and needs they publish, filtered. A record whose signature does not
 * verify is listed apart, marked unverified and counted, never as verified;
 * withdrawn copies are not listed.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { compareIds } from '../core/order';
import { plainValue } from '../core/schema';
import type { CollectiveId } from './identity';
import {
	CopyRecordSchema,
	ProfileRecordSchema,
	copiesMap,
	copyKey,
	directoryMap,
	type CopyType,
	type NeedPublic,
	type OfferPublic,
	type ProfileFields
} from './schema';
import type { Verdicts } from './verify';

export interface DirectoryEntry {
	collective: CollectiveId;
	profile: ProfileFields;
	verified: boolean;
	/** The collective left the federation (said by its own signed entry). */
	left: boolean;
	/** In a federation that admits by decision: admitted, or pending with the admitted collectives' positions; null otherwise. */
	admission: { status: 'admitted' } | { status: 'pending'; yes: number; no: number; of: number } | null;
}

/** null: its signature is still being checked; it is neither verified nor counted unverified yet. */
export type Verified = boolean | null;

export type Listing =
	| { key: string; type: 'offer'; collective: CollectiveId; collectiveName: string | null; verified: Verified; fields: OfferPublic }
	| { key: string; type: 'need'; collective: CollectiveId; collectiveName: string | null; verified: Verified; fields: NeedPublic };

export interface ListingFilter {
	type?: CopyType | null;
	collective?: CollectiveId | null;
	/** Matched in the listed area, without regard to case or accents. */
	area?: string;
	search?: string;
}

export interface FederationView {
	directory: DirectoryEntry[];
	listings: Listing[];
	/** How many listed records (directory entries and copies) do not verify. */
	unverified: number;
	/** The copies' signatures are still being checked. */
	checking: boolean;
	/** Records that do not read at all: a newer format or a damaged entry. */
	unreadable: number;
}

const kept = new WeakMap<object, unknown>();

/** A stored record read once per stored object: 10,000 copies are parsed once, not at every keystroke in the search. */
function readRecord<S extends v.GenericSchema>(raw: unknown, schema: S): v.InferOutput<S> | null {
	if (typeof raw !== 'object' || raw === null) return null;
	if (kept.has(raw)) return kept.get(raw) as v.InferOutput<S> | null;
	const parsed = v.safeParse(schema, plainValue(raw));
	const value = parsed.success ? parsed.output : null;
	kept.set(raw, value);
	return value;
}

function fold(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const foldedText = new WeakMap<object, string>();

function searchable(listing: Listing): string {
	let text = foldedText.get(listing.fields);
	if (text === undefined) {
		const f = listing.fields;
		const words = listing.type === 'offer' ? [(f as OfferPublic).name, f.description] : [(f as NeedPublic).title, f.description];
		text = fold([...words, f.area, listing.collectiveName].filter(Boolean).join(' '));
		foldedText.set(listing.fields, text);
	}
	return text;
}

/** Bumped at every change of a document, so what is kept of it is known to be current. */
const generations = new WeakMap<Y.Doc, { value: number }>();

function generation(doc: Y.Doc): number {
	let counter = generations.get(doc);
	if (!counter) {
		const kept = { value: 0 };
		doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) kept.value++;
		});
		generations.set(doc, kept);
		counter = kept;
	}
	return counter.value;
}

const collator = new Intl.Collator();

interface Sorted {
	generation: number;
	verdicts: Verdicts;
	directory: DirectoryEntry[];
	listings: Listing[];
	unverified: number;
	unreadable: number;
}

/**
 * Every listing, sorted, kept per document and verdicts: a filter or a
 * keystroke in the search then only picks from it, in order, instead of
 * reading and sorting 10,000 copies again.
 */
const sortedViews = new WeakMap<Y.Doc, Sorted>();

function sortedView(federationDoc: Y.Doc, verdicts: Verdicts): Sorted {
	const current = generation(federationDoc);
	const kept = sortedViews.get(federationDoc);
	if (kept && kept.generation === current && kept.verdicts === verdicts) return kept;
	let unverified = 0;
	let unreadable = 0;
	const directory: DirectoryEntry[] = [];
	const names = new Map<CollectiveId, string>();
	for (const [key, raw] of directoryMap(federationDoc).entries()) {
		const record = readRecord(raw, ProfileRecordSchema);
		if (!record || record.collective !== key) {
			unreadable++;
			continue;
		}
		const verified = verdicts.collectives.has(record.collective);
		if (!verified) unverified++;
		else names.set(record.collective, record.profile.name);
		directory.push({ collective: record.collective, profile: record.profile, verified, left: record.left === true, admission: admissionOf(verdicts, record.collective) });
	}
	directory.sort((a, b) => Number(b.verified) - Number(a.verified) || collator.compare(a.profile.name, b.profile.name) || compareIds(a.collective, b.collective));

	const listings: Listing[] = [];
	const titles = new Map<Listing, string>();
	for (const [key, raw] of copiesMap(federationDoc).entries()) {
		const record = readRecord(raw, CopyRecordSchema);
		// The signature does not cover the key: a genuine record copied under another key is not that item.
		if (!record || key !== copyKey(record.collective, record.type, record.source)) {
			unreadable++;
			continue;
		}
		if (record.withdrawn) continue;
		// A collective not admitted yet publishes nothing the federation lists.
		if (verdicts.admission?.admitted && !verdicts.admission.admitted.has(record.collective)) continue;
		const verified = verdicts.copiesChecked ? verdicts.copies.has(key) : null;
		if (verified === false) unverified++;
		const listing = {
			key,
			type: record.type,
			collective: record.collective,
			// A name is shown only from a verified profile: anyone can claim to be the food bank.
			collectiveName: names.get(record.collective) ?? null,
			verified,
			fields: record.public
		} as Listing;
		titles.set(listing, titleOf(listing));
		listings.push(listing);
	}
	listings.sort((a, b) => Number(b.verified === true) - Number(a.verified === true) || collator.compare(titles.get(a)!, titles.get(b)!) || compareIds(a.key, b.key));
	const sorted = { generation: current, verdicts, directory, listings, unverified, unreadable };
	sortedViews.set(federationDoc, sorted);
	return sorted;
}

function admissionOf(verdicts: Verdicts, collective: CollectiveId): DirectoryEntry['admission'] {
	const admitted = verdicts.admission?.admitted;
	if (!admitted) return null;
	if (admitted.has(collective)) return { status: 'admitted' };
	const tally = verdicts.admission?.tallies.get(collective);
	return { status: 'pending', yes: tally?.yes.length ?? 0, no: tally?.no.length ?? 0, of: admitted.size };
}

export function federationView(federationDoc: Y.Doc, verdicts: Verdicts, filter: ListingFilter = {}): FederationView {
	const { directory, listings: all, unverified, unreadable } = sortedView(federationDoc, verdicts);
	const area = filter.area ? fold(filter.area.trim()) : '';
	const search = filter.search ? fold(filter.search.trim()) : '';
	const listings =
		!filter.type && !filter.collective && !area && !search
			? all
			: all.filter(
					(listing) =>
						(!filter.type || listing.type === filter.type) &&
						(!filter.collective || listing.collective === filter.collective) &&
						(!area || foldedArea(listing).includes(area)) &&
						(!search || searchable(listing).includes(search))
				);
	return { directory: [...directory], listings: listings === all ? [...all] : listings, unverified, unreadable, checking: !verdicts.copiesChecked };
}

const foldedAreas = new WeakMap<object, string>();

function foldedArea(listing: Listing): string {
	let text = foldedAreas.get(listing.fields);
	if (text === undefined) {
		text = fold(listing.fields.area ?? '');
		foldedAreas.set(listing.fields, text);
	}
	return text;
}

export function titleOf(listing: Listing): string {
	return (listing.type === 'offer' ? listing.fields.name : listing.fields.title) ?? '';
}
