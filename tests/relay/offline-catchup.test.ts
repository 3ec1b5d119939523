import { expect, test } from 'vitest';
import {
	makeClient,
	randomRoomId,
	randomToken,
	startTestRelay,
	waitFor,
	waitForSynced
} from './helpers.js';

test('200 edits made offline reach the relay and another client once connected', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const online = makeClient(relay.syncUrl, room, token);
	await waitForSynced(online);
	online.doc.getText('notes').insert(0, 'before. ');

	// Never connected while the edits are made: they exist only in this Y.Doc.
	const field = makeClient(relay.syncUrl, room, token, { connect: false });
	const pledges = field.doc.getArray<{ n: number }>('pledges');
	for (let n = 0; n < 200; n++) pledges.push([{ n }]);
	field.doc.getMap('counts').set('kg', 40);
	expect(online.doc.getArray('pledges').length).toBe(0);

	field.provider.connect();
	await waitForSynced(field);
	await waitFor(() => online.doc.getArray('pledges').length === 200, 'all 200 pledges online');
	expect(online.doc.getArray<{ n: number }>('pledges').toArray().map((p) => p.n)).toEqual(
		Array.from({ length: 200 }, (_, n) => n)
	);
	expect(online.doc.getMap('counts').get('kg')).toBe(40);
	await waitFor(() => field.doc.getText('notes').toString() === 'before. ', 'the field client to catch up');

	// A third client that was never online with either of them gets it all from the relay.
	const late = makeClient(relay.syncUrl, room, token);
	await waitForSynced(late);
	await waitFor(() => late.doc.getArray('pledges').length === 200, 'the late client to get all pledges');
	expect(late.doc.getText('notes').toString()).toBe('before. ');
});
