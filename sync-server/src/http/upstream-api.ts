// /rooms/<id>/upstream on a site relay: POST chains the room to the upstream relay (its
// member token as Authorization: Bearer, and optionally {"readToken", "claim",
// "recoveryHash", "claimKey"} so that the link can claim the room upstream if it is new
// there), DELETE stops chaining it, GET says how the link stands. Only a member of the room may chain it or stop it; a reader may look.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { probe } from '../access/access.js';
import type { Logger } from '../logger.js';
import type { RelayMetrics } from '../metrics.js';
import { errorMessage } from '../protocol/messages.js';
import type { RoomStorage } from '../storage/storage.js';
import type { UpstreamLinks } from '../upstream/links.js';
import type { LinkReport } from '../upstream/link.js';
import { BodyTooLargeError, readBody, sendJson } from './http-json.js';
import { answerPreflight, bearerToken } from './rotation.js';

export interface UpstreamApiDeps {
	storage: RoomStorage;
	metrics: RelayMetrics;
	logger: Logger;
	upstream: UpstreamLinks | null;
}

const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;
const RECOVERY_HASH = /^[0-9a-f]{64}$/;
/** What a link may need to claim the room upstream, given with the request's body. */
const CLAIM_FIELDS = ['readToken', 'claim', 'recoveryHash', 'claimKey'] as const;

/** What to do about a link, in words an operator or the app can show. */
function advice(report: LinkReport | null): string | null {
	if (report === null) return null;
	if (report.state === 'refused') return 'open-latest-invite';
	if (report.state === 'waiting') return 'waiting-for-internet';
	return null;
}

function describe(report: LinkReport | null) {
	return report === null
		? { chained: false }
		: { chained: true, state: report.state, since: new Date(report.since).toISOString(), refusal: report.refusal, advice: advice(report), bytesIn: report.bytesIn, bytesOut: report.bytesOut, behind: report.behind, retryAt: report.retryAt === null ? null : new Date(report.retryAt).toISOString() };
}

export async function handleUpstream(req: IncomingMessage, res: ServerResponse, roomId: string, deps: UpstreamApiDeps): Promise<void> {
	if (req.method === 'OPTIONS') return answerPreflight(res, 'GET, POST, DELETE');
	if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'DELETE') {
		return sendJson(res, 405, { error: 'method-not-allowed' }, { Allow: 'GET, POST, DELETE' });
	}
	const upstream = deps.upstream;
	// Asked by every phone once it is synced: a plain answer, not an error a browser would log.
	if (upstream === null) return req.method === 'GET' ? sendJson(res, 200, { upstream: false, chained: false }) : sendJson(res, 404, { error: 'no-upstream' });
	const token = bearerToken(req);
	if (token === null || !TOKEN.test(token)) return sendJson(res, 401, { error: 'token-required' });
	let access;
	try {
		access = await probe(deps.storage, roomId, token);
	} catch (error) {
		deps.metrics.storageFailures.inc({ operation: 'probe' });
		deps.logger.error({ room: roomId, error: errorMessage(error) }, 'upstream access check failed');
		return sendJson(res, 503, { error: 'storage-unavailable' });
	}
	if (access === 'unclaimed') return sendJson(res, 404, { error: 'unknown-room' });
	if (access === null) return sendJson(res, 403, { error: 'forbidden' });
	if (req.method === 'GET') return sendJson(res, 200, describe(upstream.report(roomId)));
	if (access !== 'member') return sendJson(res, 403, { error: 'member-only' });
	if (req.method === 'DELETE') {
		const stopped = upstream.disable(roomId);
		deps.logger.info({ room: roomId, stopped }, 'upstream chaining stopped');
		return sendJson(res, 200, { chained: false });
	}
	const extra: Record<(typeof CLAIM_FIELDS)[number], string | null> = { readToken: null, claim: null, recoveryHash: null, claimKey: null };
	try {
		const body = (await readBody(req, 4096)).toString('utf8').trim();
		if (body !== '') {
			const parsed = JSON.parse(body) as Record<string, unknown>;
			for (const field of CLAIM_FIELDS) {
				const value = parsed[field];
				if (value === undefined || value === null) continue;
				const pattern = field === 'recoveryHash' ? RECOVERY_HASH : TOKEN;
				if (typeof value !== 'string' || !pattern.test(value)) return sendJson(res, 400, { error: `bad-${field}` });
				extra[field] = value;
			}
		}
	} catch (error) {
		if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'body-too-large' });
		return sendJson(res, 400, { error: 'bad-body' });
	}
	const report = upstream.enable(roomId, { token, ...extra });
	// The room, never the token.
	deps.logger.info({ room: roomId }, 'upstream chaining enabled');
	return sendJson(res, 200, describe(report));
}
