// Reading a request for /sync/<roomId>?token=…[&readToken=…][&ack=1] (a WebSocket
// upgrade, or the plain GET that probes access), and refusing an upgrade. Refusals are
// plain HTTP answers written before the upgrade, so a refused client never receives a
// single byte of a document.
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

/** Room ids are random and long (at least 128 bits); anything else is a mistake. */
const ROOM_ID = /^[A-Za-z0-9_-]{16,128}$/;
const SYNC_PREFIX = '/sync/';

export type SyncRequest =
	| { ok: true; roomId: string; token: string; readToken: string | null; wantsAck: boolean }
	| { ok: false; status: number; reason: string };

export function isRoomId(value: string): boolean {
	return ROOM_ID.test(value);
}

/** Parses the request target (path and query, as sent by the client). */
export function parseSyncRequest(target: string): SyncRequest {
	const queryStart = target.indexOf('?');
	const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
	const params = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
	if (!pathname.startsWith(SYNC_PREFIX)) return { ok: false, status: 404, reason: 'not-found' };
	const roomId = pathname.slice(SYNC_PREFIX.length);
	if (!ROOM_ID.test(roomId)) return { ok: false, status: 400, reason: 'bad-room-id' };
	const token = params.get('token');
	if (token === null || token === '') return { ok: false, status: 401, reason: 'missing-token' };
	const readToken = params.get('readToken') || null;
	// The same token for both would make read-only access meaningless.
	if (readToken === token) return { ok: false, status: 400, reason: 'bad-read-token' };
	return { ok: true, roomId, token, readToken, wantsAck: params.get('ack') === '1' };
}

/** Answers an upgrade request with an HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
	if (socket.destroyed) return;
	const body = `${message}\n`;
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
			'Connection: close\r\n' +
			'Content-Type: text/plain; charset=utf-8\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n` +
			'\r\n' +
			body
	);
}
