/**
 * Who else is in the space right now, from the relay's presence entries. An entry only
 * says which member a device belongs to; the name shown is the one the document holds
 * for that member, so nobody can appear under a name of their choosing, and an entry
 * naming no known member is ignored. One peer per member, however many devices.
 */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { membersMap, type MemberId } from '../domain/core';
import { memberName } from '../domain/space';

export interface Peer {
	clientId: number;
	memberId: MemberId;
	name: string;
}

/** Peers named in the status line; the others are counted. */
export const PEERS_NAMED = 20;

/** Longer than any id the app makes: anything longer is not a member id. */
const MAX_MEMBER_ID_LENGTH = 64;

function memberIdOf(state: unknown): string | null {
	if (typeof state !== 'object' || state === null) return null;
	const member: unknown = (state as Record<string, unknown>)['member'];
	if (typeof member !== 'object' || member === null) return null;
	const id: unknown = (member as Record<string, unknown>)['id'];
	return typeof id === 'string' && id.length > 0 && id.length <= MAX_MEMBER_ID_LENGTH ? id : null;
}

/**
 * The peers of `states` (an awareness map) other than this device: one per known member,
 * sorted by name.
 */
export function readPeers(doc: Y.Doc, states: ReadonlyMap<number, unknown>, ownClientId: number): Peer[] {
	const byMember = new Map<string, Peer>();
	for (const [clientId, state] of states) {
		if (clientId === ownClientId) continue;
		const id = memberIdOf(state);
		if (id === null || byMember.has(id)) continue;
		const name = memberName(doc, id);
		if (name === null) continue;
		byMember.set(id, { clientId, memberId: id as MemberId, name: name.slice(0, 80) });
	}
	return [...byMember.values()].sort((a, b) => a.name.localeCompare(b.name) || a.memberId.localeCompare(b.memberId));
}

/**
 * Calls `onPeers` with the peers whenever presence or the member list changes (a member
 * who just joined may be present before their entry in the document arrives). Returns
 * the unsubscriber.
 */
export function watchPeers(doc: Y.Doc, awareness: Awareness, onPeers: (peers: Peer[]) => void): () => void {
	const refresh = (): void => onPeers(readPeers(doc, awareness.getStates(), awareness.clientID));
	const members = membersMap(doc);
	awareness.on('change', refresh);
	members.observeDeep(refresh);
	return () => {
		awareness.off('change', refresh);
		members.unobserveDeep(refresh);
	};
}
