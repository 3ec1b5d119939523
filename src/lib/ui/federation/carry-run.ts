/**
 * A delegate's device carries its collective's publications into each
 * federation it holds the member secret of, whenever either document changes,
 * with or without the federation tab open. A device that is no delegate of a
 * federation opens nothing here.
 */
import { readFederations } from '$lib/domain/federation';
import type { Identity } from '$lib/sync/device';
import type { SpaceSession } from '$lib/sync/session';
import { DELEGATION_EVENT, delegationSecret } from './delegation';
import { holdFederation } from './reader.svelte';

/** Links read after a burst of changes, once. */
const CHECK_DELAY_MS = 500;

export function carry(session: SpaceSession, identity: Identity): () => void {
	if (session.readOnly) return () => {};
	const holds = new Map<string, () => void>();
	let stopped = false;
	let soon: ReturnType<typeof setTimeout> | undefined;

	const check = (): void => {
		if (stopped || session.doc.isDestroyed || session.readOnly) return;
		const entry = session.entry;
		const wanted = new Set<string>();
		for (const link of readFederations(session.doc).items) {
			const memberSecret = delegationSecret(localStorage, entry.id, link.id);
			if (!memberSecret) continue;
			const key = `${link.id} ${link.relayUrl} ${memberSecret} ${entry.secret}`;
			wanted.add(key);
			if (holds.has(key)) continue;
			const { release } = holdFederation(link, identity, { memberSecret, collective: { doc: session.doc, spaceId: entry.id, secret: entry.secret } });
			holds.set(key, release);
		}
		for (const [key, release] of holds) {
			if (wanted.has(key)) continue;
			release();
			holds.delete(key);
		}
	};
	const later = (): void => {
		clearTimeout(soon);
		soon = setTimeout(check, CHECK_DELAY_MS);
	};
	const changed = (transaction: { changed: Map<unknown, unknown> }): void => {
		if (transaction.changed.size > 0) later();
	};
	// A new delegation is noted in this device's storage, not in the document: the tab says so.
	const onDelegation = (): void => later();
	addEventListener(DELEGATION_EVENT, onDelegation);
	later();
	session.doc.on('afterTransaction', changed);
	void session.loaded.then(later);
	return () => {
		stopped = true;
		clearTimeout(soon);
		removeEventListener(DELEGATION_EVENT, onDelegation);
		session.doc.off('afterTransaction', changed);
		for (const release of holds.values()) release();
		holds.clear();
	};
}
