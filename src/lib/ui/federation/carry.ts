/**
 * Starts carrying a collective's publications on a device that is one of its
 * delegates. Kept small: the federation code is loaded only on such a device,
 * never on the first visit of a member who is none.
 */
import type { Identity } from '$lib/sync/device';
import type { SpaceSession } from '$lib/sync/session';
import { DELEGATION_EVENT, hasDelegation } from './delegation';

export function carryPublications(session: SpaceSession, identity: Identity): void {
	if (session.readOnly) return;
	let started = false;
	const start = (): void => {
		if (started || session.doc.isDestroyed || !hasDelegation(localStorage, session.entry.id)) return;
		started = true;
		removeEventListener(DELEGATION_EVENT, start);
		void import('./carry-run').then(({ carry }) => carry(session, identity));
	};
	start();
	if (!started) addEventListener(DELEGATION_EVENT, start);
}
