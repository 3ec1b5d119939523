/**
 * Which records of a federation carry their collective's valid signature.
 * Verifying is asynchronous (WebCrypto), views are not: a page asks for
 * verdicts once, keeps them, and passes them to the views. A verdict is kept
 * per stored record object, so a record is verified once however many times
 * the page is drawn, and again only when it is replaced.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { plainValue } from '../core/schema';
import { collectiveIdOf, type CollectiveId } from './identity';
import { ProfileRecordSchema, copiesMap, copyKey, directoryMap } from './schema';
import { VerdictCache } from './signatures';
import { admitted, resolveCharter, verifiedPositions, type Admission, type CharterTerms } from './admission';

export interface Verdicts {
	/** Who is admitted, when the federation admits by decision (admission.ts); absent before it is known. */
	readonly admission?: Admission;
	/** The charter gone by, for a member's device to pin when its collective has none yet. */
	readonly charter?: CharterTerms | null;
	/** Collectives whose directory entry is signed by the key its id is the hash of. */
	readonly collectives: ReadonlySet<CollectiveId>;
	/** Copy keys whose record is signed by its collective's verified key. */
	readonly copies: ReadonlySet<string>;
	/** False while the copies are being checked: none of them is verified or unverified yet. */
	readonly copiesChecked: boolean;
}

/** Copies checked between two turns of the page: a few tens of milliseconds on a slow phone. */
export const COPY_SLICE = 200;

/** Lets the page draw and handle input before the next slice of work. */
function nextTurn(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}

export const NO_VERDICTS: Verdicts = { collectives: new Set(), copies: new Set(), copiesChecked: false };

/**
 * Verifies every directory entry, then every copy against its collective's
 * verified key. `directoryChecked` hears the verdicts on the directory as soon
 * as they are known (a few dozen signatures), before the copies' (thousands).
 */
export async function verifyFederation(
	federationDoc: Y.Doc,
	cache = new VerdictCache(),
	directoryChecked?: (verdicts: Verdicts) => void,
	/** The federation's space id: its charter is read only when its id commits to its founder. */
	federationId?: string,
	/** The charter the reading collective pinned, if any (admission.ts). */
	pinned?: CharterTerms | null
): Promise<Verdicts> {
	const keys = new Map<CollectiveId, string>();
	const collectives = new Set<CollectiveId>();
	const profiles: Promise<void>[] = [];
	for (const [key, raw] of directoryMap(federationDoc).entries()) {
		const parsed = v.safeParse(ProfileRecordSchema, plainValue(raw));
		if (!parsed.success || parsed.output.collective !== key) continue;
		const { collective, publicKey } = parsed.output;
		// Side by side, like the copies below: each check waits on WebCrypto, not on the one before.
		profiles.push(
			(async () => {
				if ((await collectiveIdOf(publicKey)) !== collective) return;
				if (!(await cache.valid(publicKey, raw))) return;
				collectives.add(collective);
				keys.set(collective, publicKey);
			})()
		);
	}
	await Promise.all(profiles);
	const charter = federationId ? await resolveCharter(federationDoc, federationId, cache, pinned) : null;
	const admission = admitted(charter, collectives, charter ? await verifiedPositions(federationDoc, keys, cache) : []);
	directoryChecked?.({ collectives, copies: new Set(), copiesChecked: false, admission, charter });
	const copies = new Set<string>();
	const pending: [string, string, object][] = [];
	for (const [key, raw] of copiesMap(federationDoc).entries()) {
		const collective = key.slice(0, key.indexOf('.')) as CollectiveId;
		const publicKey = keys.get(collective);
		if (!publicKey) continue;
		if (typeof raw !== 'object' || raw === null) continue;
		const { type, source } = raw as { type?: unknown; source?: unknown };
		// Signed without its key: a genuine record copied under another key does not verify there.
		if ((type !== 'offer' && type !== 'need') || typeof source !== 'string' || key !== copyKey(collective, type, source)) continue;
		pending.push([key, publicKey, raw]);
	}
	// Ten thousand checks started at once hold the page for seconds before it can draw the list: they go a
	// slice at a time, the page drawing and answering in between, the first slice only after the directory shows.
	for (let start = 0; start < pending.length; start += COPY_SLICE) {
		await nextTurn();
		// Started together within a slice: WebCrypto verifies them side by side rather than one after another.
		await Promise.all(pending.slice(start, start + COPY_SLICE).map(([key, publicKey, raw]) => cache.valid(publicKey, raw).then((valid) => void (valid && copies.add(key)))));
	}
	return { collectives, copies, copiesChecked: true, admission, charter };
}
