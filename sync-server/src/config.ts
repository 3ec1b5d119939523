// The relay's configuration from environment variables (README.md lists them). A value
// that does not parse stops the relay at start, with a message naming the variable:
// a typo must not silently fall back to a default.
import path from 'node:path';
import { parseTrustedProxies } from './http/client-address.js';
import { DEFAULT_MIN_FREE_BYTES } from './storage/disk-space.js';
import { DEFAULT_DISK_SYNC_INTERVAL_MS } from './storage/sqlite/disk-sync.js';
import { DEFAULT_LIMITS, type RelayLimits } from './access/limits.js';
import { upstreamSyncUrl } from './upstream/links.js';

export interface RelayConfig extends RelayLimits {
	port: number;
	host: string;
	dataDir: string;
	staticDir: string;
	syncChunkBytes: number;
	diskSyncIntervalMs: number;
	/** Reverse proxies whose X-Forwarded-For names the client (see client-address.ts). */
	trustedProxies: string[];
	/** The key every claim of a new room must present, or null (anyone may claim). */
	claimKey: string | null;
	unusedRoomExpiryMs: number;
	/** Free space below which new rooms and updates are refused (0: no floor). */
	minFreeBytes: number;
	/** The relay this one chains rooms to (UPSTREAM), and at most how many links at once (UPSTREAM_MAX_LINKS). */
	upstream: { url: string; maxLinks: number } | null;
}

const UNITS: Record<string, number> = { '': 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
	const value = env[name];
	if (value === undefined || value === '') return fallback;
	const number = Number(value);
	if (!Number.isInteger(number) || number < min || number > max) {
		throw new Error(`${name} must be an integer between ${min} and ${max}, got "${value}"`);
	}
	return number;
}

/** A size in bytes, with an optional KiB, MiB or GiB suffix ("16MiB"). */
function bytes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = env[name];
	if (value === undefined || value === '') return fallback;
	const match = /^(\d+)\s*([kmg]ib)?$/i.exec(value.trim());
	const size = match === null ? NaN : Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? NaN);
	if (!Number.isSafeInteger(size) || size <= 0) {
		throw new Error(`${name} must be a size in bytes, optionally with KiB, MiB or GiB, got "${value}"`);
	}
	return size;
}

/** CLAIM_KEY travels in a WebSocket header: it must be a header token, and long enough not to be guessed. */
function claimKey(env: NodeJS.ProcessEnv): string | null {
	const value = env['CLAIM_KEY'];
	if (value === undefined || value === '') return null;
	if (!/^[A-Za-z0-9_-]{16,256}$/.test(value)) {
		throw new Error('CLAIM_KEY must be 16 to 256 letters, digits, "-" or "_"');
	}
	return value;
}

/** UPSTREAM: checked at start, so that a typo stops the relay rather than leaving the site unchained. */
function upstream(env: NodeJS.ProcessEnv): { url: string; maxLinks: number } | null {
	const value = env['UPSTREAM']?.trim();
	const maxLinks = integer(env, 'UPSTREAM_MAX_LINKS', 50, 1, 10_000);
	if (value === undefined || value === '') return null;
	try {
		upstreamSyncUrl(value);
	} catch (error) {
		throw new Error(`UPSTREAM: ${(error as Error).message.replace(/^UPSTREAM /, '')}, got "${value}"`);
	}
	return { url: value, maxLinks };
}

/** `appRoot` is where `npm run build` puts the app by default (the repository root). */
export function configFromEnv(env: NodeJS.ProcessEnv, appRoot: string): RelayConfig {
	return {
		port: integer(env, 'PORT', 8080, 0, 65535),
		host: env['HOST'] || '0.0.0.0',
		dataDir: path.resolve(env['DATA_DIR'] || './data'),
		staticDir: path.resolve(env['STATIC_DIR'] || path.join(appRoot, 'build')),
		maxPayloadBytes: bytes(env, 'MAX_PAYLOAD_BYTES', DEFAULT_LIMITS.maxPayloadBytes),
		maxRoomBytes: bytes(env, 'MAX_ROOM_BYTES', DEFAULT_LIMITS.maxRoomBytes),
		messagesPerSecond: integer(env, 'MAX_MESSAGES_PER_SECOND', DEFAULT_LIMITS.messagesPerSecond, 1),
		messageBurst: integer(env, 'MESSAGE_BURST', DEFAULT_LIMITS.messageBurst, 1),
		maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', DEFAULT_LIMITS.maxConnectionsPerAddress),
		maxLoadedRooms: integer(env, 'MAX_LOADED_ROOMS', DEFAULT_LIMITS.maxLoadedRooms),
		syncChunkBytes: bytes(env, 'SYNC_CHUNK_BYTES', 1024 * 1024),
		diskSyncIntervalMs: integer(env, 'DISK_SYNC_INTERVAL_MS', DEFAULT_DISK_SYNC_INTERVAL_MS, 0, 1000),
		trustedProxies: [...parseTrustedProxies(env['TRUST_PROXY'])],
		maxNewRoomsPerAddress: integer(env, 'MAX_NEW_ROOMS_PER_ADDRESS', DEFAULT_LIMITS.maxNewRoomsPerAddress),
		maxHttpSocketsPerAddress: integer(env, 'MAX_HTTP_SOCKETS_PER_ADDRESS', DEFAULT_LIMITS.maxHttpSocketsPerAddress),
		claimKey: claimKey(env),
		unusedRoomExpiryMs: integer(env, 'UNUSED_ROOM_EXPIRY_HOURS', 24, 0, 24 * 365) * 60 * 60 * 1000,
		minFreeBytes: env['MIN_FREE_BYTES']?.trim() === '0' ? 0 : bytes(env, 'MIN_FREE_BYTES', DEFAULT_MIN_FREE_BYTES),
		upstream: upstream(env)
	};
}
