/**
 * What every exchange between collectives shares (requests to borrow,
 * requests.ts; pledges, pledges.ts): the owner's signed *response* to a
 * record of another collective, the checks of records against the verified
 * directory and the admission of their writers, the copy of an answer into the
 * asking collective's own record, and signing a plan's writes into the
 * federation. Each kind of exchange keeps its own records and plan.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { opened } from '../core/derived';
import { LOCAL_ORIGIN, plainValue } from '../core/schema';
import { admitted, resolveCharter, verifiedPositions, type CharterTerms } from './admission';
import { covers } from './bridge';
import { canonicalJson } from './canonical';
import { collectiveIdOf, signRecord, type CollectiveId, type CollectiveIdentity } from './identity';
import { readFederations } from './memberships';
import { ProfileRecordSchema, RECORD_VERSION, directoryMap, type Revision } from './schema';
import { VerdictCache } from './signatures';

const COLLECTIVE = /^[A-Za-z0-9_-]{43}$/;

export const signatureSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/));
export const collectiveIdSchema = v.custom<CollectiveId>((value) => typeof value === 'string' && COLLECTIVE.test(value), 'not a collective id');
const clock = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
export const revisionSchema = v.pipe(v.array(v.tuple([clock, clock])), v.maxLength(256));
/** A Yjs write (client, clock): where an answer was copied from. */
export const writeIdSchema = v.tuple([clock, clock]);

/** Whether `text` could be a collective id (for keys read from a document). */
export function isCollectiveId(text: unknown): text is CollectiveId {
	return typeof text === 'string' && COLLECTIVE.test(text);
}

export function responsesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('responses'));
}

export function responseKey(owner: CollectiveId, request: string): string {
	return `${owner}.response.${request}`;
}

/**
 * How the owner answers, as the other collective reads it. 'received': the
 * owner has the request (or the pledge) and has not answered yet; 'delivered'
 * and 'withdrawn' answer pledges.
 */
export const ANSWERS = ['received', 'accepted', 'declined', 'cancelled', 'delivered', 'withdrawn', 'returned'] as const;
export type Answer = (typeof ANSWERS)[number];

export const ResponseRecordSchema = v.object({
	v: v.literal(RECORD_VERSION),
	collective: collectiveIdSchema,
	request: v.pipe(v.string(), v.maxLength(200)),
	state: v.picklist(ANSWERS),
	/** The writes behind the state it answers: a device that has not seen them leaves the response alone. */
	rev: revisionSchema,
	sig: signatureSchema
});
export type ResponseRecord = v.InferOutput<typeof ResponseRecordSchema>;
export type ResponseBody = Omit<ResponseRecord, 'sig'>;

export function parsed<S extends v.GenericSchema>(schema: S, raw: unknown): v.InferOutput<S> | null {
	const result = v.safeParse(schema, plainValue(raw));
	return result.success ? result.output : null;
}

/** What checking found, for any kind of exchange: verified answers, and records that fail. */
export interface Checks {
	/** Responses to this collective's records, signed by the collective asked, by record key, with the write that holds each. */
	answers: Map<string, { record: ResponseRecord; from: [number, number] }>;
	/** Keys under this collective's name whose stored record it did not sign: replaced at the next write. */
	distrusted: Set<string>;
	/** Records of others concerning this collective, and responses to its records, that fail their check. */
	unverified: number;
	/** Their keys, and those of records under this collective's name it did not sign. */
	unverifiedKeys: string[];
}

export function noChecks(): Checks {
	return { answers: new Map(), distrusted: new Set(), unverified: 0, unverifiedKeys: [] };
}

/** Counts a record that fails its check, and keeps its key for the collective's conflicts. */
export function flag(checked: Pick<Checks, 'unverified' | 'unverifiedKeys'>, key: string): void {
	checked.unverified++;
	checked.unverifiedKeys.push(key);
}

/** A record under this collective's name that it did not sign: replaced at the next write, and noted. */
export function distrust(checked: Pick<Checks, 'distrusted' | 'unverifiedKeys'>, key: string): void {
	checked.distrusted.add(key);
	checked.unverifiedKeys.push(key);
}

export function nameOf(federationDoc: Y.Doc, collective: CollectiveId): string {
	const profile = parsed(ProfileRecordSchema, directoryMap(federationDoc).get(collective));
	return profile?.profile.name || collective.slice(0, 8);
}

/** The directory's keys whose entry is signed by the key its collective id is the hash of. */
export async function trustedKeys(federationDoc: Y.Doc, cache: VerdictCache): Promise<Map<CollectiveId, string>> {
	const keys = new Map<CollectiveId, string>();
	await Promise.all(
		[...directoryMap(federationDoc).entries()].map(async ([key, raw]) => {
			const record = parsed(ProfileRecordSchema, raw);
			if (!record || record.collective !== key) return;
			if ((await collectiveIdOf(record.publicKey)) !== record.collective) return;
			if (await cache.valid(record.publicKey, raw)) keys.set(record.collective, record.publicKey);
		})
	);
	return keys;
}

/**
 * The collectives whose records count in this federation: those whose
 * directory entry verifies and, where the federation admits by decision, who
 * are admitted. Null: every collective whose entry verifies counts.
 */
export async function admittedSet(federationDoc: Y.Doc, federation: string, keys: ReadonlyMap<CollectiveId, string>, cache: VerdictCache, pinned?: CharterTerms | null): Promise<ReadonlySet<CollectiveId> | null> {
	const charter = await resolveCharter(federationDoc, federation, cache, pinned);
	if (!charter) return null;
	return admitted(charter, new Set(keys.keys()), await verifiedPositions(federationDoc, keys, cache)).admitted;
}

/** The charter this collective pinned for the federation, if any. */
export function pinnedCharter(collectiveDoc: Y.Doc, federation: string): CharterTerms | null {
	const charter = readFederations(collectiveDoc).items.find((link) => link.id === federation)?.charter;
	return charter ? { founder: charter.founder as CollectiveId, nonce: charter.nonce, admission: charter.admission } : null;
}

/** The keys and admitted set every check of a run reads. */
export async function trusted(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, cache: VerdictCache) {
	const keys = await trustedKeys(federationDoc, cache);
	const allowed = await admittedSet(federationDoc, federation, keys, cache, pinnedCharter(collectiveDoc, federation));
	return { keys, allowed };
}

/**
 * Checks the response `owner` gave to this collective's record `request`:
 * kept in `checked.answers` if signed by the owner, counted otherwise.
 * Returns the signature check to wait for, or null when there is nothing to check.
 */
export function checkAnswer(federationDoc: Y.Doc, keys: ReadonlyMap<CollectiveId, string>, cache: VerdictCache, checked: Checks, owner: CollectiveId, request: string): Promise<void> | null {
	const rkey = responseKey(owner, request);
	const map = responsesMap(federationDoc);
	const raw = map.get(rkey);
	if (raw === undefined) return null;
	const record = parsed(ResponseRecordSchema, raw);
	const publicKey = keys.get(owner);
	const item = map._map.get(rkey);
	if (!record || record.collective !== owner || record.request !== request || !publicKey || !item) {
		flag(checked, rkey);
		return null;
	}
	const from: [number, number] = [item.id.client, item.id.clock];
	return cache.valid(publicKey, raw).then((valid) => (valid ? void checked.answers.set(request, { record, from }) : void flag(checked, rkey)));
}

/** This collective's responses to the records it holds: distrusted if someone else wrote them. */
export async function checkOwnResponses(federationDoc: Y.Doc, own: Pick<CollectiveIdentity, 'collective' | 'publicKey'>, cache: VerdictCache, checked: Checks, requests: Iterable<string>): Promise<void> {
	await Promise.all(
		[...requests].map(async (request) => {
			const rkey = responseKey(own.collective, request);
			const raw = responsesMap(federationDoc).get(rkey);
			if (raw !== undefined && !(await cache.valid(own.publicKey, raw))) distrust(checked, rkey);
		})
	);
}

/** The response this collective stands by for a record, if it wrote it under the right key. */
export function storedResponse(federationDoc: Y.Doc, own: CollectiveId, request: string, checked: Pick<Checks, 'distrusted'>): { key: string; raw: unknown; current: ResponseRecord | null } {
	const key = responseKey(own, request);
	const raw = responsesMap(federationDoc).get(key);
	const stored = checked.distrusted.has(key) ? null : parsed(ResponseRecordSchema, raw);
	return { key, raw, current: stored && stored.collective === own && stored.request === request ? stored : null };
}

/**
 * The response to write, or null when the stored one stands: the same state;
 * or made from writes this device has not seen (it is behind); or made from
 * the same writes, unless `arrived` (the other collective's cancellation or
 * withdrawal, which only ever arrives) is what changed the state.
 */
export function responseToWrite(collectiveDoc: Y.Doc, own: CollectiveId, request: string, current: ResponseRecord | null, state: Answer, rev: Revision, arrived: boolean): ResponseBody | null {
	if (current) {
		if (current.state === state) return null;
		if (!covers(collectiveDoc, current.rev)) return null;
		if (canonicalJson(current.rev) === canonicalJson(rev) && !arrived) return null;
	}
	return { v: RECORD_VERSION, collective: own, request, state, rev };
}

/**
 * Whether the response held now, written as `from`, should replace the answer
 * the collective's record has. Only a device whose copy of the federation holds
 * the write the record's answer came from may replace it: the response it sees
 * then won over that one (later, or first among concurrent writes), so a device
 * that is behind never takes the answer back to an older one.
 */
export function answerIsNewer(federationDoc: Y.Doc, record: { answer: Answer | null; answerFrom: readonly [number, number] | null }, from: [number, number]): boolean {
	if (record.answerFrom === null || record.answer === null) return true;
	const [client, clock] = record.answerFrom;
	if (client === from[0] && clock === from[1]) return false;
	return Y.getState(federationDoc.store, client) > clock;
}

/** Copies an answer into the collective's own record (a Y.Map entry); false when the entry is not there. */
export function setAnswer(entry: unknown, answer: Answer, from: [number, number]): boolean {
	if (!(entry instanceof Y.Map)) return false;
	if (entry.get('answer') !== answer) entry.set('answer', answer);
	entry.set('answerFrom', from);
	return true;
}

export interface SignedWrite {
	map: Y.Map<unknown>;
	key: string;
	body: object;
	/** What the key held when planned: a record changed while signing is left for the next run. */
	replaces: unknown;
}

/** Signs each write as this collective and writes it in one transaction; returns how many were written. */
export async function signAndWrite(federationDoc: Y.Doc, identity: CollectiveIdentity, cache: VerdictCache, writes: readonly SignedWrite[]): Promise<number> {
	if (writes.length === 0) return 0;
	const signed = await Promise.all(writes.map(async (write) => ({ write, sig: await signRecord(identity, write.body) })));
	let written = 0;
	federationDoc.transact(() => {
		for (const { write, sig } of signed) {
			if (write.map.get(write.key) !== write.replaces) continue;
			const record = { ...write.body, sig };
			write.map.set(write.key, record);
			cache.signed(identity.publicKey, record);
			written++;
		}
	}, LOCAL_ORIGIN);
	return written;
}
