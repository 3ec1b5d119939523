import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { MemberId } from '../domain/core';
import { joinSpace } from '../domain/space';
import { readPeers, watchPeers, type Peer } from './peers';

const ada = 'ada-member-id-000000001' as MemberId;
const bruno = 'bruno-member-id-00000001' as MemberId;

/** Another device: its own awareness, whose state reaches `local` as the relay would pass it on. */
function device(local: Awareness, state: Record<string, unknown>): Awareness {
	const remote = new Awareness(new Y.Doc());
	remote.setLocalState(state);
	applyAwarenessUpdate(local, encodeAwarenessUpdate(remote, [remote.clientID]), 'relay');
	return remote;
}

function space(): { doc: Y.Doc; awareness: Awareness } {
	const doc = new Y.Doc();
	joinSpace(doc, ada, 'Ada');
	joinSpace(doc, bruno, 'Bruno');
	const awareness = new Awareness(doc);
	awareness.setLocalState({ member: { id: ada, name: 'Ada' } });
	return { doc, awareness };
}

const names = (peers: Peer[]): string[] => peers.map((peer) => peer.name);

describe('readPeers', () => {
	test('names come from the document, not from what a device announces', () => {
		const { doc, awareness } = space();
		device(awareness, { member: { id: bruno, name: 'Mallory the admin' } });
		expect(readPeers(doc, awareness.getStates(), awareness.clientID)).toEqual([
			expect.objectContaining({ memberId: bruno, name: 'Bruno' })
		]);
	});

	test('entries of unknown members, or without a member, are ignored; this device is left out', () => {
		const { doc, awareness } = space();
		device(awareness, { member: { id: 'nobody-we-know', name: 'Ghost' } });
		device(awareness, { member: { id: 'x'.repeat(100_000), name: 'Huge' } });
		device(awareness, { cursor: 3 });
		device(awareness, { member: 'Bruno' });
		expect(readPeers(doc, awareness.getStates(), awareness.clientID)).toEqual([]);
	});

	test('one peer per member, however many devices or entries, sorted by name', () => {
		const { doc, awareness } = space();
		const carla = 'carla-member-id-0000001' as MemberId;
		joinSpace(doc, carla, 'Carla');
		for (let i = 0; i < 50; i++) device(awareness, { member: { id: bruno } });
		device(awareness, { member: { id: carla } });
		// Ada's other phone counts as a peer: it is another device.
		device(awareness, { member: { id: ada } });
		expect(names(readPeers(doc, awareness.getStates(), awareness.clientID))).toEqual(['Ada', 'Bruno', 'Carla']);
	});
});

describe('watchPeers', () => {
	test('follows presence and the member list, until unsubscribed', () => {
		const { doc, awareness } = space();
		const seen: string[][] = [];
		const stop = watchPeers(doc, awareness, (peers) => seen.push(names(peers)));
		const dora = 'dora-member-id-00000001' as MemberId;
		// Present before her member entry arrives: shown once it does.
		const doraPhone = device(awareness, { member: { id: dora } });
		expect(seen.at(-1)).toEqual([]);
		joinSpace(doc, dora, 'Dora');
		expect(seen.at(-1)).toEqual(['Dora']);
		doraPhone.setLocalState(null);
		applyAwarenessUpdate(awareness, encodeAwarenessUpdate(doraPhone, [doraPhone.clientID]), 'relay');
		expect(seen.at(-1)).toEqual([]);
		stop();
		const count = seen.length;
		device(awareness, { member: { id: bruno } });
		joinSpace(doc, 'emil-member-id-00000001' as MemberId, 'Emil');
		expect(seen).toHaveLength(count);
	});
});
