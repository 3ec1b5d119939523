// POST /rooms/<roomId>/rotate: a member replaces the room's tokens, e.g. after a phone
// was lost. From then on the old tokens are refused at the upgrade, and every open
// connection that came with one is closed (4403) so the lost phone stops syncing at once.
//
// The collective's recovery token may rotate too, whatever the member token is by then:
// that is the way back when whoever holds a lost phone rotated first. And a retry of a
// rotation that already took effect (its answer was lost) is answered as a success.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessLevel, isStrongToken } from '../access/access.js';
import { BodyTooLargeError, readBody, sendJson } from './http-json.js';
import type { Logger } from '../logger.js';
import type { RelayMetrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/rooms.js';
import type { RoomAccess, RoomStorage } from '../storage/storage.js';
import { hashToken, sameHash } from '../access/token.js';

export interface RotationDeps {
	storage: RoomStorage;
	registry: RoomRegistry;
	metrics: RelayMetrics;
	logger: Logger;
	/** On a site relay: a rotation of a chained room is replayed on the upstream. */
	upstream?: { rotated(roomId: string, current: string, next: { token: string; readToken: string | null }): void } | null;
}

const MAX_BODY_BYTES = 4096;

/** Browsers ask first (CORS preflight) before sending a JSON body with Authorization. */
export function answerPreflight(res: ServerResponse, methods = 'POST'): void {
	res.writeHead(204, {
		'Access-Control-Allow-Origin': '*',
		'Access-Control-Allow-Methods': methods,
		'Access-Control-Allow-Headers': 'Authorization, Content-Type',
		'Access-Control-Max-Age': '86400'
	});
	res.end();
}

export function bearerToken(req: IncomingMessage): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	return match?.[1] ?? null;
}

function isToken(value: unknown): value is string {
	return typeof value === 'string' && isStrongToken(value);
}

/** The new tokens from the body, or null if it is not `{"token": "…", "readToken"?: "…"}`. */
function parseTokens(body: Buffer): { token: string; readToken: string | null } | null {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		return null;
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
	const { token, readToken } = parsed as Record<string, unknown>;
	if (!isToken(token)) return null;
	if (readToken === undefined || readToken === null) return { token, readToken: null };
	if (!isToken(readToken) || readToken === token) return null;
	return { token, readToken };
}

export async function handleRotation(
	req: IncomingMessage,
	res: ServerResponse,
	roomId: string,
	deps: RotationDeps
): Promise<void> {
	const current = bearerToken(req);
	if (current === null) {
		return sendJson(res, 401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
	}
	// Read whole before answering, so that every refusal below reaches the client cleanly;
	// an oversized body is refused with the other malformed ones, after the access checks.
	let body: Buffer | null;
	try {
		body = await readBody(req, MAX_BODY_BYTES);
	} catch (error) {
		if (!(error instanceof BodyTooLargeError)) throw error;
		body = null;
	}
	const access = await deps.storage.roomAccess(roomId);
	if (access === null) return sendJson(res, 404, { error: 'unknown-room' });
	const currentHash = hashToken(current);
	const tokens = body === null ? null : parseTokens(body);
	const next: RoomAccess | null =
		tokens === null
			? null
			: {
					tokenHash: hashToken(tokens.token),
					readonlyTokenHash: tokens.readToken === null ? null : hashToken(tokens.readToken),
					recoveryHash: access.recoveryHash
				};
	// The first attempt took effect and its answer was lost: the same answer again, to
	// whoever asks, since knowing the new tokens is proof enough.
	if (next !== null && alreadyCurrent(access, next)) {
		try {
			await deps.storage.synced();
		} catch {
			return sendJson(res, 503, { error: 'not-durable' });
		}
		return sendJson(res, 200, { status: 'rotated' });
	}
	const recovering = access.recoveryHash !== null && sameHash(access.recoveryHash, currentHash);
	// Only a member may rotate: a read-only token is refused like any other.
	if (!recovering && accessLevel(access, currentHash) !== 'member') {
		return sendJson(res, 403, { error: 'forbidden' });
	}
	if (next === null) return sendJson(res, 400, { error: 'bad-body' });
	// Compare-and-set on the member hash: of two rotations with the same old token, the
	// second finds it already replaced. A recovery replaces whatever it finds.
	if (!(await deps.storage.replaceAccess(roomId, access.tokenHash, next))) {
		return sendJson(res, 403, { error: 'forbidden' });
	}
	// Its sub-rooms are entered with the same tokens: their connections go too.
	let closed = 0;
	for (const room of deps.registry.family(roomId)) closed += room.revoke(next);
	if (closed > 0) deps.metrics.refusals.inc({ reason: 'token-rotated' }, closed);
	deps.logger.info(
		{ room: roomId, closedConnections: closed, readOnly: next.readonlyTokenHash !== null, recovered: recovering },
		recovering ? 'room tokens recovered' : 'room tokens rotated'
	);
	// The member is told the old tokens are dead only once a power cut cannot revive them.
	try {
		await deps.storage.synced();
	} catch {
		return sendJson(res, 503, { error: 'not-durable' });
	}
	if (tokens !== null) deps.upstream?.rotated(roomId, current, tokens);
	sendJson(res, 200, { status: recovering ? 'recovered' : 'rotated' });
}

function alreadyCurrent(access: RoomAccess, next: RoomAccess): boolean {
	if (!sameHash(access.tokenHash, next.tokenHash)) return false;
	if (next.readonlyTokenHash === null) return access.readonlyTokenHash === null;
	return access.readonlyTokenHash !== null && sameHash(access.readonlyTokenHash, next.readonlyTokenHash);
}
