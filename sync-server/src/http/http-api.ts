// The relay's plain HTTP side: health, metrics, the access probe, token rotation, and the
// built app on every other path. (WebSocket upgrades go to the sync endpoint.)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parentRoomId, probe } from '../access/access.js';
import { sendJson } from './http-json.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../protocol/messages.js';
import type { RelayMetrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/rooms.js';
import { answerPreflight, handleRotation } from './rotation.js';
import { createStaticHandler } from './static-files.js';
import type { RoomStorage } from '../storage/storage.js';
import type { StorageReport } from '../storage/storage-health.js';
import { isRoomId, parseSyncRequest } from './sync-request.js';
import { handleUpstream } from './upstream-api.js';
import type { UpstreamLinks } from '../upstream/links.js';

export interface HttpApiDeps {
	storage: RoomStorage;
	registry: RoomRegistry;
	metrics: RelayMetrics;
	logger: Logger;
	staticDir?: string;
	connectionCount(): number;
	isClosing(): boolean;
	/** What /healthz adds about storage: damage found at start, rooms that fail to load, low space. */
	storageReport?(): StorageReport;
	/** The links to an upstream relay, on a site relay started with UPSTREAM. */
	upstream?: UpstreamLinks | null;
}

const ROTATE_PATH = /^\/rooms\/([^/]*)\/rotate$/;
const UPSTREAM_PATH = /^\/rooms\/([^/]*)\/upstream$/;

export function pathOf(req: IncomingMessage): string {
	const target = req.url ?? '/';
	const queryStart = target.indexOf('?');
	return queryStart === -1 ? target : target.slice(0, queryStart);
}

export function createHttpHandler(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
	const serveStatic = deps.staticDir === undefined ? null : createStaticHandler(deps.staticDir);

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = pathOf(req);
		if (path === '/healthz') return health(res);
		if (path === '/metrics') {
			const text = await deps.metrics.registry.metrics();
			res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType, 'Cache-Control': 'no-store' });
			res.end(text);
			return;
		}
		if (path.startsWith('/sync/')) return probeAccess(req, res);
		const rotate = ROTATE_PATH.exec(path);
		if (rotate !== null) {
			// Room ids need no decoding: an escaped character makes an invalid id anyway.
			const roomId = rotate[1] ?? '';
			if (req.method === 'OPTIONS') return answerPreflight(res);
			if (req.method !== 'POST') return sendJson(res, 405, { error: 'method-not-allowed' }, { Allow: 'POST' });
			if (!isRoomId(roomId)) return sendJson(res, 400, { error: 'bad-room-id' });
			// A sub-room's tokens are its parent's: they are rotated there, for the whole family.
			if (parentRoomId(roomId) !== null) return sendJson(res, 400, { error: 'sub-room' });
			if (deps.isClosing()) return sendJson(res, 503, { error: 'shutting-down' });
			// Started on a full disk: not now, and the app keeps its new key until it is settled.
			if (deps.storageReport?.().status === 'read-only') return sendJson(res, 503, { error: 'read-only' });
			return handleRotation(req, res, roomId, { ...deps, upstream: deps.upstream ?? null });
		}
		const chain = UPSTREAM_PATH.exec(path);
		if (chain !== null) {
			const roomId = chain[1] ?? '';
			if (!isRoomId(roomId)) return sendJson(res, 400, { error: 'bad-room-id' });
			// Sub-rooms follow their parent: chaining is asked for the space.
			if (parentRoomId(roomId) !== null) return sendJson(res, 400, { error: 'sub-room' });
			if (deps.isClosing()) return sendJson(res, 503, { error: 'shutting-down' });
			return handleUpstream(req, res, roomId, { storage: deps.storage, metrics: deps.metrics, logger: deps.logger, upstream: deps.upstream ?? null });
		}
		if (serveStatic === null) {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('This relay serves no app.\n');
			return;
		}
		serveStatic(req, res, path);
	}

	/** Ready means the database takes a write right now. */
	async function health(res: ServerResponse): Promise<void> {
		const writable = !deps.isClosing() && (await deps.storage.isWritable());
		const report = deps.storageReport?.() ?? { status: null, unhealthy: false, details: {} };
		const status = deps.isClosing()
			? 'shutting-down'
			: report.status === 'read-only'
				? 'read-only'
				: !writable
					? 'storage-unwritable'
					: (report.status ?? 'ok');
		const links = deps.upstream;
		const upstream = links ? { rooms: links.size, connected: links.count('connected'), waiting: links.count('waiting') + links.count('connecting'), refused: links.count('refused') } : undefined;
		const body = { status, rooms: deps.registry.size, connections: deps.connectionCount(), ...(upstream ? { upstream } : {}), ...report.details };
		sendJson(res, writable && !report.unhealthy ? 200 : 503, body);
	}

	/**
	 * GET /sync/<roomId> with `Authorization: Bearer <token>` (or ?token=…), without an Upgrade header: the checks of the upgrade,
	 * answered in plain HTTP, because a browser sees only close code 1006 when an upgrade
	 * is refused. Says whether the token would be let in, never a byte of the document.
	 */
	async function probeAccess(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// The token in an Authorization header makes a browser ask first.
		if (req.method === 'OPTIONS') return answerPreflight(res, 'GET');
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			return sendJson(res, 405, { error: 'method-not-allowed' }, { Allow: 'GET' });
		}
		const request = parseSyncRequest(req.url ?? '/', { authorization: req.headers.authorization });
		if (!request.ok) return sendJson(res, request.status, { error: request.reason });
		if (deps.isClosing()) return sendJson(res, 503, { error: 'shutting-down' });
		let access;
		try {
			access = await probe(deps.storage, request.roomId, request.token);
		} catch (error) {
			deps.metrics.storageFailures.inc({ operation: 'probe' });
			deps.logger.error({ room: request.roomId, error: errorMessage(error) }, 'access probe failed');
			return sendJson(res, 503, { error: 'storage-unavailable' });
		}
		if (access === null) return sendJson(res, 403, { error: 'forbidden' });
		sendJson(res, 426, { access }, { Upgrade: 'websocket' });
	}

	return (req, res) => {
		handle(req, res).catch((error: unknown) => {
			deps.metrics.errors.inc({ where: 'http' });
			// The path only: the query string may carry a token.
			deps.logger.error({ path: pathOf(req), error: errorMessage(error) }, 'http handler failed');
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	};
}
