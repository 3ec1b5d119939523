// POST /rooms/<roomId>/rotate: a member replaces the room's tokens, e.g. after a phone
// was lost. From then on the old tokens are refused at the upgrade, and every open
// connection that came with one is closed (4403) so the lost phone stops syncing at once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessLevel } from './access.js';
import { BodyTooLargeError, readBody, sendJson } from './http-json.js';
import type { Logger } from './logger.js';
import type { RelayMetrics } from './metrics.js';
import type { RoomRegistry } from './rooms.js';
import type { RoomAccess, RoomStorage } from './storage.js';
import { hashToken } from './token.js';

export interface RotationDeps {
	storage: RoomStorage;
	registry: RoomRegistry;
	metrics: RelayMetrics;
	logger: Logger;
}

const MAX_BODY_BYTES = 4096;
const MAX_TOKEN_LENGTH = 1024;

/** Browsers ask first (CORS preflight) before sending a JSON body with Authorization. */
export function answerPreflight(res: ServerResponse): void {
	res.writeHead(204, {
		'Access-Control-Allow-Origin': '*',
		'Access-Control-Allow-Methods': 'POST',
		'Access-Control-Allow-Headers': 'Authorization, Content-Type',
		'Access-Control-Max-Age': '86400'
	});
	res.end();
}

function bearerToken(req: IncomingMessage): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	return match?.[1] ?? null;
}

function isToken(value: unknown): value is string {
	return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH;
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
	// Only a member may rotate: a read-only token is refused like any other.
	if (accessLevel(access, currentHash) !== 'member') return sendJson(res, 403, { error: 'forbidden' });
	const tokens = body === null ? null : parseTokens(body);
	if (tokens === null) return sendJson(res, 400, { error: 'bad-body' });

	const next: RoomAccess = {
		tokenHash: hashToken(tokens.token),
		readonlyTokenHash: tokens.readToken === null ? null : hashToken(tokens.readToken)
	};
	// Compare-and-set on the member hash: of two rotations with the same old token, the
	// second finds it already replaced.
	if (!(await deps.storage.replaceAccess(roomId, access.tokenHash, next))) {
		return sendJson(res, 403, { error: 'forbidden' });
	}
	const closed = deps.registry.get(roomId)?.revoke(next) ?? 0;
	if (closed > 0) deps.metrics.refusals.inc({ reason: 'token-rotated' }, closed);
	deps.logger.info(
		{ room: roomId, closedConnections: closed, readOnly: next.readonlyTokenHash !== null },
		'room tokens rotated'
	);
	// The member is told the old tokens are dead only once a power cut cannot revive them.
	try {
		await deps.storage.synced();
	} catch {
		return sendJson(res, 503, { error: 'not-durable' });
	}
	sendJson(res, 200, { status: 'rotated' });
}
