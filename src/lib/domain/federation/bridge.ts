/**
 * The bridge, out direction: what a collective has published becomes signed
 * copies in a federation's document. Planning is a pure function of the two
 * documents and the collective's public identity; signing and writing are the
 * runner's, apart, so that planning can be tested, timed and reasoned about
 * without keys.
 *
 * Copies sit under a key derived from the collective and the source, so two
 * devices running the bridge apart write the same keys; a copy's content and
 * its signature are deterministic, so they write the same bytes.
 *
 * Freshness without a clock: a copy carries the revision of the source it was
 * made from (the Yjs writes behind the item and its publication mark). A
 * device replaces a copy only when its own document holds every write that
 * revision names, so it has seen at least what the copy was made from; a device
 * that is behind leaves the copy alone. Two fresh devices that write different
 * content at once are settled by the next run on any device that has both.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { LOCAL_ORIGIN, plainValue, resourcesMap, needsMap } from '../core/schema';
import type { NeedId, ResourceId } from '../core/ids';
import { getResource } from '../inventory/resources';
import { getNeed } from '../needs/needs';
import { canonicalJson, contentHash } from './canonical';
import { signRecord, type CollectiveId, type CollectiveIdentity } from './identity';
import { VerdictCache } from './signatures';
import {
	CopyRecordSchema,
	NeedMarkSchema,
	PROFILE_KEY,
	ProfileFieldsSchema,
	ProfileRecordSchema,
	RECORD_VERSION,
	ResourceMarkSchema,
	copiesMap,
	copyKey,
	directoryMap,
	federationsMap,
	publicationsMap,
	type CopyType,
	type NeedMark,
	type NeedPublic,
	type OfferPublic,
	type ProfileFields,
	type ResourceMark,
	type Revision
} from './schema';

/** What planning needs of an identity: never the private key. */
export type PublicIdentity = Pick<CollectiveIdentity, 'collective' | 'publicKey'>;

export type ProfileBody = {
	v: typeof RECORD_VERSION;
	collective: CollectiveId;
	publicKey: string;
	rev: Revision;
	hash: string;
	profile: ProfileFields;
	left?: true;
};

export type CopyBody = {
	v: typeof RECORD_VERSION;
	collective: CollectiveId;
	type: CopyType;
	source: string;
	rev: Revision;
	hash: string;
	withdrawn: boolean;
	public: OfferPublic | NeedPublic | null;
};

export type PlannedWrite =
	| { map: 'directory'; key: CollectiveId; body: ProfileBody; replaces: unknown }
	| { map: 'copies'; key: string; body: CopyBody; replaces: unknown };

export interface Plan {
	writes: PlannedWrite[];
	/** Nothing leaves before the collective has a profile: copies would name a collective nobody can verify. */
	waitingFor: 'profile' | null;
	/** Copies left alone because this device has not seen the source they were made from. */
	behind: number;
}

export interface PlanOptions {
	/** Keys (of the directory or of copies) whose stored record does not carry this collective's valid signature. */
	distrusted?: ReadonlySet<string>;
	/** The collective left this federation: every copy is withdrawn and the directory entry says so. */
	left?: boolean;
	/**
	 * The federation planned for: when the collective left it, the write that says so (its
	 * link in the collective's document) joins every revision, so that leaving, and coming
	 * back, are newer than the copies they replace.
	 */
	federationId?: string;
}

type Structure = Y.Map<unknown>;

/** The Yjs writes that make `key` of `map` what it is now, with the fields of a nested map. */
export function itemsOf(map: Structure, key: string): Y.Item[] {
	const item = map._map.get(key);
	if (!item) return [];
	const items = [item];
	const value = map.get(key);
	if (value instanceof Y.Map) for (const field of (value as Structure)._map.values()) items.push(field);
	return items;
}

export function revisionOf(items: readonly Y.Item[]): Revision {
	const highest = new Map<number, number>();
	for (const { id } of items) highest.set(id.client, Math.max(highest.get(id.client) ?? -1, id.clock));
	return [...highest].sort((a, b) => a[0] - b[0]);
}

/** Whether `doc` holds every write `rev` names. */
export function covers(doc: Y.Doc, rev: Revision): boolean {
	return rev.every(([client, clock]) => Y.getState(doc.store, client) > clock);
}

function offerPublic(collectiveDoc: Y.Doc, id: ResourceId, mark: ResourceMark): OfferPublic | null {
	const resource = getResource(collectiveDoc, id);
	if (!resource || resource.removedAt !== null) return null;
	const out: OfferPublic = {};
	for (const field of mark.fields) {
		if (field === 'name') out.name = resource.name;
		else if (field === 'kind') out.kind = resource.kind;
		else if (field === 'description') out.description = resource.description;
		else if (field === 'availability') out.availability = resource.availability;
		else if (field === 'area') out.area = mark.area;
		else {
			out.quantity = resource.quantity;
			out.unit = resource.unit;
		}
	}
	return out;
}

function needPublic(collectiveDoc: Y.Doc, id: NeedId, mark: NeedMark): NeedPublic | null {
	const need = getNeed(collectiveDoc, id);
	if (!need || need.status !== 'open') return null;
	const out: NeedPublic = {};
	for (const field of mark.fields) {
		if (field === 'title') out.title = need.title;
		else if (field === 'kind') out.kind = need.kind;
		else if (field === 'description') out.description = need.description;
		else if (field === 'deadline') out.deadline = need.deadline;
		else if (field === 'area') out.area = mark.area;
		else {
			// A target reads only with its unit, and a money target (minor units) only with its kind.
			out.target = need.target;
			out.unit = need.unit;
			out.kind = need.kind;
		}
	}
	return out;
}

type Stored<T> = { raw: unknown; record: T | null };

function stored<S extends v.GenericSchema>(map: Structure, key: string, schema: S): Stored<v.InferOutput<S>> {
	const raw = map.get(key);
	const parsed = v.safeParse(schema, plainValue(raw));
	return { raw, record: parsed.success ? parsed.output : null };
}

/**
 * Whether to write `hash`/`rev` over what is stored: always over nothing,
 * something unreadable or something not validly ours; never when the content
 * is already there; otherwise only from a device that has seen what the stored
 * copy was made from, and whose own view differs from it.
 */
function decide(existing: { rev: Revision; hash: string } | null, distrusted: boolean, hash: string, rev: Revision, collectiveDoc: Y.Doc): 'write' | 'same' | 'behind' {
	if (!existing || distrusted) return 'write';
	if (existing.hash === hash) return 'same';
	if (!covers(collectiveDoc, existing.rev)) return 'behind';
	if (canonicalJson(existing.rev) === canonicalJson(rev)) return 'same';
	return 'write';
}

/** The writes that bring the federation's copies of this collective up to date. Pure: reads both documents, writes neither. */
export function planPublication(collectiveDoc: Y.Doc, federationDoc: Y.Doc, identity: PublicIdentity, options: PlanOptions = {}): Plan {
	const distrusted = options.distrusted ?? new Set<string>();
	const publications = publicationsMap(collectiveDoc);
	const writes: PlannedWrite[] = [];
	let behind = 0;

	const leaving = options.left === true && options.federationId ? itemsOf(federationsMap(collectiveDoc), options.federationId) : [];
	const profile = v.safeParse(ProfileFieldsSchema, plainValue(publications.get(PROFILE_KEY)));
	if (!profile.success) return { writes, waitingFor: 'profile', behind };
	const { collective, publicKey } = identity;
	{
		const left = options.left === true;
		const rev = revisionOf([...itemsOf(publications, PROFILE_KEY), ...leaving]);
		const hash = contentHash(left ? { publicKey, profile: profile.output, left } : { publicKey, profile: profile.output });
		const current = stored(directoryMap(federationDoc), collective, ProfileRecordSchema);
		const existing = current.record && current.record.collective === collective ? current.record : null;
		const verdict = decide(existing, distrusted.has(collective), hash, rev, collectiveDoc);
		if (verdict === 'behind') behind++;
		if (verdict === 'write') {
			const body: ProfileBody = { v: RECORD_VERSION, collective, publicKey, rev, hash, profile: profile.output };
			if (left) body.left = true;
			writes.push({ map: 'directory', key: collective, replaces: current.raw, body });
		}
	}

	const copies = copiesMap(federationDoc);
	for (const [markKey, value] of publications.entries()) {
		const dot = markKey.indexOf('.');
		const sourceType = markKey.slice(0, dot);
		const source = markKey.slice(dot + 1);
		let type: CopyType;
		let content: OfferPublic | NeedPublic | null;
		let sourceItems: Y.Item[];
		if (sourceType === 'resource') {
			const mark = v.safeParse(ResourceMarkSchema, plainValue(value));
			if (!mark.success) continue;
			type = 'offer';
			content = mark.output.published && options.left !== true ? offerPublic(collectiveDoc, source as ResourceId, mark.output) : null;
			sourceItems = itemsOf(resourcesMap(collectiveDoc), source);
		} else if (sourceType === 'need') {
			const mark = v.safeParse(NeedMarkSchema, plainValue(value));
			if (!mark.success) continue;
			type = 'need';
			content = mark.output.published && options.left !== true ? needPublic(collectiveDoc, source as NeedId, mark.output) : null;
			sourceItems = itemsOf(needsMap(collectiveDoc), source);
		} else continue;

		const key = copyKey(collective, type, source);
		const withdrawn = content === null;
		const rev = revisionOf([...itemsOf(publications, markKey), ...sourceItems, ...leaving]);
		const hash = contentHash({ type, source, withdrawn, public: content });
		const current = stored(copies, key, CopyRecordSchema);
		const existing = current.record && current.record.collective === collective && current.record.source === source ? current.record : null;
		// Nothing to withdraw that was never copied.
		if (withdrawn && !existing && current.raw === undefined) continue;
		const verdict = decide(existing, distrusted.has(key), hash, rev, collectiveDoc);
		if (verdict === 'behind') behind++;
		if (verdict === 'write') {
			writes.push({ map: 'copies', key, replaces: current.raw, body: { v: RECORD_VERSION, collective, type, source, rev, hash, withdrawn, public: content } });
		}
	}
	return { writes, waitingFor: null, behind };
}

/** The keys this collective's records sit under in the federation: its directory entry and a copy per publication mark. */
export function ownKeys(collectiveDoc: Y.Doc, collective: CollectiveId): { directory: CollectiveId; copies: string[] } {
	const copies: string[] = [];
	for (const markKey of publicationsMap(collectiveDoc).keys()) {
		const dot = markKey.indexOf('.');
		const sourceType = markKey.slice(0, dot);
		if (sourceType === 'resource') copies.push(copyKey(collective, 'offer', markKey.slice(dot + 1)));
		else if (sourceType === 'need') copies.push(copyKey(collective, 'need', markKey.slice(dot + 1)));
	}
	return { directory: collective, copies };
}

export interface BridgeRun {
	written: number;
	waitingFor: Plan['waitingFor'];
	behind: number;
}

/**
 * Plans, signs and writes. Records under this collective's keys that do not
 * carry its valid signature (written by someone else) are replaced. A record
 * that changed while the signatures were computed is left for the next run.
 */
export async function runPublication(
	collectiveDoc: Y.Doc,
	federationDoc: Y.Doc,
	identity: CollectiveIdentity,
	/** Kept between runs, so that a run with nothing to do verifies nothing again. */
	cache = new VerdictCache(),
	options: { left?: boolean; federationId?: string } = {}
): Promise<BridgeRun> {
	const keys = ownKeys(collectiveDoc, identity.collective);
	const distrusted = new Set<string>();
	const copies = copiesMap(federationDoc);
	const stored: Array<[string, unknown]> = [[keys.directory, directoryMap(federationDoc).get(keys.directory)], ...keys.copies.map((key): [string, unknown] => [key, copies.get(key)])];
	await Promise.all(
		stored.map(async ([key, raw]) => {
			if (raw !== undefined && !(await cache.valid(identity.publicKey, raw))) distrusted.add(key);
		})
	);
	const plan = planPublication(collectiveDoc, federationDoc, identity, { distrusted, left: options.left, federationId: options.federationId });
	const signed = await Promise.all(plan.writes.map(async (write) => ({ write, sig: await signRecord(identity, write.body) })));
	let written = 0;
	federationDoc.transact(() => {
		for (const { write, sig } of signed) {
			const map = write.map === 'directory' ? directoryMap(federationDoc) : copies;
			if (map.get(write.key) !== write.replaces) continue;
			const record = { ...write.body, sig };
			map.set(write.key, record);
			cache.signed(identity.publicKey, record);
			written++;
		}
	}, LOCAL_ORIGIN);
	return { written, waitingFor: plan.waitingFor, behind: plan.behind };
}
