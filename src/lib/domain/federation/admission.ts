/**
 * Admission of collectives into a federation by a decision of those already in
 * it: each admitted collective has one position (yes or no) on each collective
 * that asks, signed by it; a collective is admitted once more than half of the
 * admitted collectives say yes. Until then it is *pending*: its directory entry
 * shows, with where the decision stands, and nothing it publishes is listed.
 *
 * Who founded the federation, and whether it admits by decision, is its
 * *charter*: a record signed by the founding collective and kept in the
 * federation's meta. Anyone holding the federation's member secret could write
 * another charter over it, so the federation's id commits to its founder: the
 * id is the hash of the founder's collective id and a nonce the charter
 * carries, and a charter whose founder the id does not commit to is ignored.
 * A federation without a valid charter (one made before charters) admits
 * every collective whose directory entry verifies, as before.
 *
 * The rule is one position per collective and a simple majority of the
 * admitted: the decision machinery of a collective (its kinds, closings,
 * positions per member) is not reused here, because a federation's voters are
 * collectives that sign, not members of one document.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { digest } from 'lib0/hash/sha256';
import { opened } from '../core/derived';
import { randomToken, toBase64Url } from '../core/ids';
import { LOCAL_ORIGIN, metaMap, plainValue, timestamp } from '../core/schema';
import { collectiveIdOf, signRecord, type CollectiveId, type CollectiveIdentity } from './identity';
import { RECORD_VERSION } from './schema';
import { VerdictCache } from './signatures';

const CHARTER_KEY = 'charter';
export const ADMISSION_MODES = ['open', 'decision'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];
export const POSITIONS = ['yes', 'no'] as const;
export type AdmissionPosition = (typeof POSITIONS)[number];

const collectiveId = v.custom<CollectiveId>((value) => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value), 'not a collective id');
const signature = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/));

export const CharterSchema = v.object({
	v: v.literal(RECORD_VERSION),
	founder: collectiveId,
	publicKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
	nonce: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/)),
	admission: v.picklist(ADMISSION_MODES),
	sig: signature
});
export type Charter = v.InferOutput<typeof CharterSchema>;

export const PositionRecordSchema = v.object({
	v: v.literal(RECORD_VERSION),
	collective: collectiveId,
	candidate: collectiveId,
	position: v.picklist(POSITIONS),
	sig: signature
});
export type PositionRecord = v.InferOutput<typeof PositionRecordSchema>;

/** In a federation's document: each collective's position on each candidate. */
export function admissionsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('admissions'));
}

/** In a collective's document: the positions its members took, for its delegates to carry. */
export function admissionPositionsMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('admissionPositions'));
}

export function positionKey(voter: CollectiveId, candidate: CollectiveId): string {
	return `${voter}.admission.${candidate}`;
}

/** The federation id that commits to `founder` with `nonce`: 22 characters, like a space id. */
export function committedFederationId(founder: CollectiveId, nonce: string): string {
	return toBase64Url(digest(new TextEncoder().encode(`passerelle/federation/${founder}/${nonce}`))).slice(0, 22);
}

/** A new federation's id and the nonce its charter will carry. */
export function newFederationId(founder: CollectiveId): { id: string; nonce: string } {
	const nonce = randomToken(16);
	return { id: committedFederationId(founder, nonce), nonce };
}

/** Writes the charter of a federation this collective founds; its id must commit to it. */
export async function writeCharter(federationDoc: Y.Doc, founder: CollectiveIdentity, nonce: string, admission: AdmissionMode): Promise<void> {
	const body = { v: RECORD_VERSION, founder: founder.collective, publicKey: founder.publicKey, nonce, admission };
	const sig = await signRecord(founder, body);
	federationDoc.transact(() => metaMap(federationDoc).set(CHARTER_KEY, { ...body, sig }), LOCAL_ORIGIN);
}

/** What a charter says, as a collective keeps it once seen (its link pins it: memberships.ts). */
export type CharterTerms = Pick<Charter, 'founder' | 'nonce' | 'admission'>;

/**
 * The charter to go by: the one this collective pinned when it first saw it, if
 * the federation's id commits to it; else the one in the federation's document.
 * Pinning matters because any holder of the federation's member secret can
 * write over the document's charter: a collective that saw the genuine one
 * keeps it. (A collective that has never seen it reads what is there; the
 * founder's delegates write it again when it is damaged.)
 */
export async function resolveCharter(federationDoc: Y.Doc, federationId: string, cache: VerdictCache, pinned?: CharterTerms | null): Promise<CharterTerms | null> {
	if (pinned && committedFederationId(pinned.founder, pinned.nonce) === federationId) return pinned;
	return readCharter(federationDoc, federationId, cache);
}

/** The charter, if it is the founder's and the federation's id commits to that founder. */
export async function readCharter(federationDoc: Y.Doc, federationId: string, cache: VerdictCache): Promise<Charter | null> {
	const raw = metaMap(federationDoc).get(CHARTER_KEY);
	const parsed = v.safeParse(CharterSchema, plainValue(raw));
	if (!parsed.success) return null;
	const charter = parsed.output;
	if (committedFederationId(charter.founder, charter.nonce) !== federationId) return null;
	if ((await collectiveIdOf(charter.publicKey)) !== charter.founder) return null;
	return (await cache.valid(charter.publicKey, raw)) ? charter : null;
}

export interface Admission {
	/** Null: the federation admits every collective whose entry verifies. */
	admitted: ReadonlySet<CollectiveId> | null;
	founder: CollectiveId | null;
	/** For each candidate, the admitted collectives that said yes and no. */
	tallies: ReadonlyMap<CollectiveId, { yes: CollectiveId[]; no: CollectiveId[] }>;
}

/**
 * Who is admitted, from the charter and the positions whose signatures hold:
 * the founder first, then, round after round, every candidate that more than
 * half of those admitted so far accept, in the order of their ids. The same
 * records give the same answer on every device.
 */
export function admitted(charter: CharterTerms | null, members: ReadonlySet<CollectiveId>, positions: readonly PositionRecord[]): Admission {
	if (!charter || charter.admission === 'open') return { admitted: null, founder: charter?.founder ?? null, tallies: new Map() };
	const admittedSet = new Set<CollectiveId>([charter.founder]);
	const byCandidate = new Map<CollectiveId, Map<CollectiveId, AdmissionPosition>>();
	for (const record of positions) {
		let voters = byCandidate.get(record.candidate);
		if (!voters) byCandidate.set(record.candidate, (voters = new Map()));
		voters.set(record.collective, record.position);
	}
	const candidates = [...members].filter((id) => id !== charter.founder).sort();
	let changed = true;
	while (changed) {
		changed = false;
		for (const candidate of candidates) {
			if (admittedSet.has(candidate)) continue;
			let yes = 0;
			for (const [voter, position] of byCandidate.get(candidate) ?? []) if (position === 'yes' && admittedSet.has(voter)) yes++;
			if (yes * 2 > admittedSet.size) {
				admittedSet.add(candidate);
				changed = true;
			}
		}
	}
	const tallies = new Map<CollectiveId, { yes: CollectiveId[]; no: CollectiveId[] }>();
	for (const candidate of candidates) {
		if (admittedSet.has(candidate)) continue;
		const tally = { yes: [] as CollectiveId[], no: [] as CollectiveId[] };
		for (const [voter, position] of byCandidate.get(candidate) ?? []) if (admittedSet.has(voter)) tally[position].push(voter);
		tallies.set(candidate, tally);
	}
	return { admitted: admittedSet, founder: charter.founder, tallies };
}

/** The positions whose writer's key (from the verified directory) signed them, under their own key. */
export async function verifiedPositions(federationDoc: Y.Doc, keys: ReadonlyMap<CollectiveId, string>, cache: VerdictCache): Promise<PositionRecord[]> {
	const out: PositionRecord[] = [];
	await Promise.all(
		[...admissionsMap(federationDoc).entries()].map(async ([key, raw]) => {
			const parsed = v.safeParse(PositionRecordSchema, plainValue(raw));
			if (!parsed.success || key !== positionKey(parsed.output.collective, parsed.output.candidate)) return;
			const publicKey = keys.get(parsed.output.collective);
			if (publicKey && (await cache.valid(publicKey, raw))) out.push(parsed.output);
		})
	);
	return out;
}

// ---- A collective's own positions, carried by its delegates ----

const StoredPosition = v.object({ position: v.picklist(POSITIONS), at: timestamp });

/** A member of the collective takes its position on a candidate; a delegate's device signs and carries it. */
export function takePosition(collectiveDoc: Y.Doc, federation: string, candidate: CollectiveId, position: AdmissionPosition, now = Date.now()): void {
	collectiveDoc.transact(() => admissionPositionsMap(collectiveDoc).set(`${federation}.${candidate}`, { position, at: now }), LOCAL_ORIGIN);
}

/** The collective's positions in one federation, by candidate. */
export function ownPositions(collectiveDoc: Y.Doc, federation: string): Map<CollectiveId, AdmissionPosition> {
	const out = new Map<CollectiveId, AdmissionPosition>();
	const prefix = `${federation}.`;
	for (const [key, raw] of admissionPositionsMap(collectiveDoc).entries()) {
		if (!key.startsWith(prefix)) continue;
		const parsed = v.safeParse(StoredPosition, plainValue(raw));
		if (parsed.success) out.set(key.slice(prefix.length) as CollectiveId, parsed.output.position);
	}
	return out;
}

/** The founder's device writes the charter again when what stands in the document is not it (damaged or written over). */
export async function repairCharter(federationDoc: Y.Doc, federationId: string, founder: CollectiveIdentity, terms: CharterTerms, cache = new VerdictCache()): Promise<boolean> {
	if (terms.founder !== founder.collective || committedFederationId(terms.founder, terms.nonce) !== federationId) return false;
	const current = await readCharter(federationDoc, federationId, cache);
	if (current && current.founder === terms.founder && current.admission === terms.admission) return false;
	await writeCharter(federationDoc, founder, terms.nonce, terms.admission);
	return true;
}

/** Signs and writes into the federation the positions the collective took and that are not there yet. */
export async function runAdmissions(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, identity: CollectiveIdentity, cache = new VerdictCache()): Promise<number> {
	const map = admissionsMap(federationDoc);
	const writes: Array<{ key: string; body: Omit<PositionRecord, 'sig'>; replaces: unknown }> = [];
	for (const [candidate, position] of ownPositions(collectiveDoc, federation)) {
		const key = positionKey(identity.collective, candidate);
		const raw = map.get(key);
		const parsed = v.safeParse(PositionRecordSchema, plainValue(raw));
		const ours = parsed.success && (await cache.valid(identity.publicKey, raw));
		if (ours && parsed.output.position === position) continue;
		writes.push({ key, body: { v: RECORD_VERSION, collective: identity.collective, candidate, position }, replaces: raw });
	}
	if (writes.length === 0) return 0;
	const signed = await Promise.all(writes.map(async (write) => ({ write, sig: await signRecord(identity, write.body) })));
	let written = 0;
	federationDoc.transact(() => {
		for (const { write, sig } of signed) {
			if (map.get(write.key) !== write.replaces) continue;
			const record = { ...write.body, sig };
			map.set(write.key, record);
			cache.signed(identity.publicKey, record);
			written++;
		}
	}, LOCAL_ORIGIN);
	return written;
}
