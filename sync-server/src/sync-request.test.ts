import { expect, test } from 'vitest';
import { parseSyncRequest } from './sync-request.js';

const room = 'AbCdEfGhIjKlMnOp_-12';

test('accepts what the stock provider sends', () => {
	expect(parseSyncRequest(`/sync/${room}?token=t0k%2Fen`)).toEqual({
		ok: true,
		roomId: room,
		token: 't0k/en',
		readToken: null,
		wantsAck: false
	});
	expect(parseSyncRequest(`/sync/${room}?ack=1&token=x`)).toMatchObject({ ok: true, wantsAck: true });
	expect(parseSyncRequest(`/sync/${room}?token=x&readToken=r`)).toMatchObject({ ok: true, token: 'x', readToken: 'r' });
	expect(parseSyncRequest(`/sync/${room}?token=x&readToken=`)).toMatchObject({ ok: true, readToken: null });
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
