// Reading a request for /sync/<roomId> (a WebSocket upgrade, or the plain GET that probes
// access), and refusing an upgrade. Refusals are plain HTTP answers written before the
// upgrade, so a refused client never receives a single byte of a document.
//
// Credentials travel in the Sec-WebSocket-Protocol header when the client offers
// `passerelle.2` (`t.<token>`, `r.<readToken>`, `c.<claim>`, `v.<recoveryHash>`,
// `k.<claimKey>`, `ack`), so that no secret sits in a URL a proxy logs; older clients put
// them in the query string (`?token=…&readToken=…&ack=1`). The probe takes
// `Authorization: Bearer <token>`, or the query form.
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { ACK_PROTOCOL, CREDENTIAL_PREFIX, SYNC_PROTOCOL } from '../protocol/wire.js';

/**
 * Room ids are random and long (at least 128 bits); anything else is a mistake. A room id
 * may end in `.<part>` to name a sub-room of that room (see access.ts).
 */
const ROOM_ID = /^[A-Za-z0-9_-]{16,128}(\.[a-z0-9]{1,16})?$/;
const SYNC_PREFIX = '/sync/';

export interface SyncCredentials {
	token: string;
	readToken: string | null;
	/** The claim secret the room id commits to (member devices of a committed space). */
	claim: string | null;
	/** The hash of the collective's recovery token the room id commits to. */
	recovery: string | null;
	/** The relay's CLAIM_KEY, when its operator set one. */
	claimKey: string | null;
	wantsAck: boolean;
}

export type SyncRequest =
	| ({ ok: true; roomId: string } & SyncCredentials)
	| { ok: false; status: number; reason: string };

/** The headers a request may carry its credentials in. */
export interface CredentialHeaders {
	/** Sec-WebSocket-Protocol, as received. */
	protocols?: string | undefined;
	/** Authorization (the probe). */
	authorization?: string | undefined;
}

/** The subprotocols a client offered, as ws reads them (comma-separated, trimmed). */
export function offeredProtocols(header: string | undefined): string[] {
	if (header === undefined) return [];
	return header
		.split(',')
		.map((value) => value.trim())
		.filter((value) => value !== '');
}

function fromProtocols(offered: readonly string[]): Omit<SyncCredentials, 'token'> & { token: string | null } {
	const value = (prefix: string): string | null => {
		const found = offered.find((entry) => entry.startsWith(prefix));
		return found === undefined || found.length === prefix.length ? null : found.slice(prefix.length);
	};
	return {
		token: value(CREDENTIAL_PREFIX.token),
		readToken: value(CREDENTIAL_PREFIX.readToken),
		claim: value(CREDENTIAL_PREFIX.claim),
		recovery: value(CREDENTIAL_PREFIX.recoveryHash),
		claimKey: value(CREDENTIAL_PREFIX.claimKey),
		wantsAck: offered.includes(ACK_PROTOCOL)
	};
}

function fromQuery(params: URLSearchParams, authorization: string | undefined) {
	const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? null;
	return {
		token: bearer ?? params.get('token'),
		readToken: params.get('readToken') || null,
		claim: params.get('claim') || null,
		recovery: params.get('recovery') || null,
		claimKey: params.get('claimKey') || null,
		wantsAck: params.get('ack') === '1'
	};
}

export function isRoomId(value: string): boolean {
	return ROOM_ID.test(value);
}

/** Parses the request target (path and query, as sent by the client) and its credential headers. */
export function parseSyncRequest(target: string, headers: CredentialHeaders = {}): SyncRequest {
	const queryStart = target.indexOf('?');
	const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
	const params = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
	if (!pathname.startsWith(SYNC_PREFIX)) return { ok: false, status: 404, reason: 'not-found' };
	const roomId = pathname.slice(SYNC_PREFIX.length);
	if (!ROOM_ID.test(roomId)) return { ok: false, status: 400, reason: 'bad-room-id' };
	const offered = offeredProtocols(headers.protocols);
	// A client that speaks the header form sends nothing in the URL: a token left there
	// by mistake is not read, so that it never becomes a habit.
	const { token, ...rest } = offered.includes(SYNC_PROTOCOL)
		? fromProtocols(offered)
		: fromQuery(params, headers.authorization);
	if (token === null || token === '') return { ok: false, status: 401, reason: 'missing-token' };
	// The same token for both would make read-only access meaningless.
	if (rest.readToken === token) return { ok: false, status: 400, reason: 'bad-read-token' };
	return { ok: true, roomId, token, ...rest };
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
