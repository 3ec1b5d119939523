/** Small builders for tests: a fresh space with a member, and document sync between replicas. */
import * as Y from 'yjs';
import { newId, type MemberId } from '../core/ids';
import { createSpace, joinSpace } from './space';

export function memberId(): MemberId {
	return newId<'member'>();
}

export function newSpace(name = 'Atelier', by: MemberId = memberId()): { doc: Y.Doc; by: MemberId } {
	const doc = new Y.Doc();
	createSpace(doc, { name, description: '' }, by, 1_700_000_000_000);
	joinSpace(doc, by, 'Alice', 1_700_000_000_000);
	return { doc, by };
}

/** The id a write returned; a refusal fails the test. */
export function created<Created>(result: { ok: true; id: Created } | { ok: false; reason: string }): Created {
	if (!result.ok) throw new Error(`refused: ${result.reason}`);
	return result.id;
}

/** Exchanges what each replica lacks, in both directions. */
export function syncDocs(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}
