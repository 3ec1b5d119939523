import { expect, test } from 'vitest';
import { parseSyncRequest } from './sync-request.js';

const room = 'AbCdEfGhIjKlMnOp_-12';

test('accepts what the stock provider sends', () => {
	expect(parseSyncRequest(`/sync/${room}?token=t0k%2Fen`)).toEqual({
		ok: true,
		roomId: room,
		token: 't0k/en',
		readToken: null,
		claim: null,
		recovery: null,
		claimKey: null,
		wantsAck: false
	});
	expect(parseSyncRequest(`/sync/${room}?ack=1&token=x`)).toMatchObject({ ok: true, wantsAck: true });
	expect(parseSyncRequest(`/sync/${room}?token=x&readToken=r`)).toMatchObject({ ok: true, token: 'x', readToken: 'r' });
	expect(parseSyncRequest(`/sync/${room}?token=x&readToken=`)).toMatchObject({ ok: true, readToken: null });
});

test('reads the credentials from the subprotocols when passerelle.2 is offered, and only from there', () => {
	const protocols = 'passerelle.2, t.member, r.reader, c.claim, v.abc, k.key, ack';
	expect(parseSyncRequest(`/sync/${room}`, { protocols })).toEqual({
		ok: true,
		roomId: room,
		token: 'member',
		readToken: 'reader',
		claim: 'claim',
		recovery: 'abc',
		claimKey: 'key',
		wantsAck: true
	});
	// The query string is not read then.
	expect(parseSyncRequest(`/sync/${room}?token=x`, { protocols: 'passerelle.2' })).toMatchObject({ ok: false, status: 401 });
	// Other offers leave the query form in force.
	expect(parseSyncRequest(`/sync/${room}?token=x`, { protocols: 'chat' })).toMatchObject({ ok: true, token: 'x' });
	expect(parseSyncRequest(`/sync/${room}`, { protocols: 'passerelle.2,t.a,r.a' })).toMatchObject({ status: 400 });
});

test('the probe takes its token from Authorization: Bearer', () => {
	expect(parseSyncRequest(`/sync/${room}`, { authorization: 'Bearer s3cret' })).toMatchObject({ ok: true, token: 's3cret' });
	expect(parseSyncRequest(`/sync/${room}`, { authorization: 'Basic abc' })).toMatchObject({ ok: false, status: 401 });
});

test.each([
	['/elsewhere', 404],
	[`/sync`, 404],
	['/sync/short?token=x', 400],
	[`/sync/${room}/more?token=x`, 400],
	[`/sync/${room}%2F..?token=x`, 400],
	[`/sync/${'a'.repeat(129)}?token=x`, 400],
	[`/sync/${room}`, 401],
	[`/sync/${room}?token=`, 401],
	[`/sync/${room}?tok=x`, 401],
	[`/sync/${room}?token=x&readToken=x`, 400]
])('refuses %s with %i', (target, status) => {
	expect(parseSyncRequest(target)).toMatchObject({ ok: false, status });
});

test('a room id may name a sub-room with a short lowercase part, and nothing longer or odder', () => {
	expect(parseSyncRequest(`/sync/${room}.history?token=x`)).toMatchObject({ ok: true, roomId: `${room}.history` });
	expect(parseSyncRequest(`/sync/${room}.a1?token=x`)).toMatchObject({ ok: true, roomId: `${room}.a1` });
	for (const bad of [`${room}.`, `${room}.History`, `${room}.a.b`, `${room}.${'a'.repeat(17)}`, `.history`, `short.history`, `${room}/history`]) {
		expect(parseSyncRequest(`/sync/${bad}?token=x`), bad).toEqual({ ok: false, status: 400, reason: 'bad-room-id' });
	}
});
