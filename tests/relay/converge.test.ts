import { expect, test } from 'vitest';
import {
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

test('two clients see each other’s edits and presence, and presence ends with the connection', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const alice = makeClient(relay.syncUrl, room, token);
	const bob = makeClient(relay.syncUrl, room, token);
	await Promise.all([waitForSynced(alice), waitForSynced(bob)]);

	alice.doc.getMap('resources').set('van', { kind: 'vehicle', seats: 3 });
	bob.doc.getArray<string>('log').push(['bob was here']);
	await waitFor(() => bob.doc.getMap('resources').has('van'), 'bob to see the van');
	await waitFor(() => alice.doc.getArray('log').length === 1, 'alice to see bob’s entry');
	expect(bob.doc.getMap('resources').get('van')).toEqual({ kind: 'vehicle', seats: 3 });

	alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
	bob.provider.awareness.setLocalStateField('user', { name: 'Bob' });
	const aliceId = alice.doc.clientID;
	const bobId = bob.doc.clientID;
	await waitFor(
		() => bob.provider.awareness.getStates().get(aliceId)?.['user']?.name === 'Alice',
		'bob to see alice’s presence'
	);
	await waitFor(
		() => alice.provider.awareness.getStates().get(bobId)?.['user']?.name === 'Bob',
		'alice to see bob’s presence'
	);

	// A late joiner is told who is already there.
	const carol = makeClient(relay.syncUrl, room, token);
	await waitForSynced(carol);
	await waitFor(
		() => carol.provider.awareness.getStates().has(aliceId) && carol.provider.awareness.getStates().has(bobId),
		'carol to see alice and bob'
	);
	expect(carol.doc.getArray('log').toArray()).toEqual(['bob was here']);

	// Cut alice's socket without a goodbye from the client: the relay announces her removal.
	(alice.provider.ws as unknown as { terminate(): void } | null)?.terminate();
	alice.destroy();
	await waitFor(() => !bob.provider.awareness.getStates().has(aliceId), 'alice’s presence to end for bob');
	await waitFor(() => !carol.provider.awareness.getStates().has(aliceId), 'alice’s presence to end for carol');
	expect(bob.provider.awareness.getStates().has(bobId)).toBe(true);
});
