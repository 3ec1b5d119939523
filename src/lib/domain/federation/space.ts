/** A federation is an ordinary space whose meta says so; older spaces read as collectives. */
import type * as Y from 'yjs';
import type { MemberId } from '../core/ids';
import { LOCAL_ORIGIN, metaMap } from '../core/schema';
import { createSpace, readSpaceMeta, type SpaceInput, type SpaceResult } from '../space/space';

/** Fills a brand-new federation's meta, as createSpace does for a collective, in the same transaction. */
export function createFederation(doc: Y.Doc, input: SpaceInput, by: MemberId, now = Date.now()): SpaceResult {
	let result: SpaceResult = { ok: true, changed: false };
	doc.transact(() => {
		result = createSpace(doc, input, by, now);
		if (result.ok) metaMap(doc).set('kind', 'federation');
	}, LOCAL_ORIGIN);
	return result;
}

export function isFederation(doc: Y.Doc): boolean {
	return readSpaceMeta(doc)?.kind === 'federation';
}
