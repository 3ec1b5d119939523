import path from 'node:path';
import { expect, test } from 'vitest';
import { configFromEnv } from './config.js';
import { DEFAULT_LIMITS } from './access/limits.js';

test('defaults when nothing is set', () => {
	const config = configFromEnv({}, '/srv/app');
	expect(config).toMatchObject({
		port: 8080,
		host: '0.0.0.0',
		dataDir: path.resolve('./data'),
		staticDir: '/srv/app/build',
		syncChunkBytes: 1024 * 1024,
		diskSyncIntervalMs: 50,
		trustedProxies: [],
		...DEFAULT_LIMITS
	});
	expect(DEFAULT_LIMITS).toEqual({
		maxPayloadBytes: 16 * 1024 * 1024,
		maxRoomBytes: 64 * 1024 * 1024,
		messagesPerSecond: 200,
		messageBurst: 1000,
		maxConnectionsPerAddress: 200,
		maxLoadedRooms: 10_000,
		maxNewRoomsPerAddress: 20,
		maxHttpSocketsPerAddress: 256
	});
	expect(config.claimKey).toBeNull();
	expect(config.unusedRoomExpiryMs).toBe(24 * 60 * 60 * 1000);
	expect(config.minFreeBytes).toBe(64 * 1024 * 1024);
	expect(configFromEnv({ MIN_FREE_BYTES: '0' }, '/srv/app').minFreeBytes).toBe(0);
});

test('reads every variable, sizes with or without a unit', () => {
	const config = configFromEnv(
		{
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: '/var/lib/passerelle',
			STATIC_DIR: '/srv/build',
			MAX_PAYLOAD_BYTES: '4MiB',
			MAX_ROOM_BYTES: '1 GiB',
			MAX_MESSAGES_PER_SECOND: '50',
			MESSAGE_BURST: '100',
			MAX_CONNECTIONS_PER_ADDRESS: '0',
			MAX_LOADED_ROOMS: '500',
			SYNC_CHUNK_BYTES: '65536',
			DISK_SYNC_INTERVAL_MS: '0',
			TRUST_PROXY: '127.0.0.1,::1',
			MAX_NEW_ROOMS_PER_ADDRESS: '5',
			MAX_HTTP_SOCKETS_PER_ADDRESS: '32',
			CLAIM_KEY: 'usine-occupee_2026-cle-du-site',
			UNUSED_ROOM_EXPIRY_HOURS: '2',
			MIN_FREE_BYTES: '1GiB'
		},
		'/srv/app'
	);
	expect(config).toEqual({
		port: 0,
		host: '127.0.0.1',
		dataDir: '/var/lib/passerelle',
		staticDir: '/srv/build',
		maxPayloadBytes: 4 * 1024 * 1024,
		maxRoomBytes: 1024 ** 3,
		messagesPerSecond: 50,
		messageBurst: 100,
		maxConnectionsPerAddress: 0,
		maxLoadedRooms: 500,
		syncChunkBytes: 65536,
		diskSyncIntervalMs: 0,
		trustedProxies: ['127.0.0.1', '::1'],
		maxNewRoomsPerAddress: 5,
		maxHttpSocketsPerAddress: 32,
		claimKey: 'usine-occupee_2026-cle-du-site',
		unusedRoomExpiryMs: 2 * 60 * 60 * 1000,
		minFreeBytes: 1024 ** 3,
		upstream: null
	});
});

test.each([
	['PORT', '70000'],
	['PORT', 'eighty'],
	['MAX_ROOM_BYTES', '64MB'],
	['MAX_ROOM_BYTES', '0'],
	['MAX_MESSAGES_PER_SECOND', '1.5'],
	['MESSAGE_BURST', '0'],
	['MAX_LOADED_ROOMS', '-1'],
	['DISK_SYNC_INTERVAL_MS', '5000'],
	['TRUST_PROXY', 'my-proxy'],
	['CLAIM_KEY', 'short'],
	['CLAIM_KEY', 'with space and more than sixteen'],
	['MAX_NEW_ROOMS_PER_ADDRESS', 'many'],
	['UNUSED_ROOM_EXPIRY_HOURS', '-3'],
	['MIN_FREE_BYTES', '5%']
])('refuses %s=%s, naming the variable', (name, value) => {
	expect(() => configFromEnv({ [name]: value }, '/srv/app')).toThrow(name);
});

test('UPSTREAM chains to another relay; a URL that cannot be one stops the start', () => {
	expect(configFromEnv({}, '/srv/app').upstream).toBeNull();
	expect(configFromEnv({ UPSTREAM: 'wss://relay.example.org' }, '/srv/app').upstream).toEqual({ url: 'wss://relay.example.org', maxLinks: 50 });
	expect(configFromEnv({ UPSTREAM: 'https://relay.example.org/sync', UPSTREAM_MAX_LINKS: '8' }, '/srv/app').upstream).toEqual({ url: 'https://relay.example.org/sync', maxLinks: 8 });
	expect(() => configFromEnv({ UPSTREAM: 'relay.example.org' }, '/srv/app')).toThrow(/UPSTREAM/);
	expect(() => configFromEnv({ UPSTREAM: 'ftp://relay.example.org' }, '/srv/app')).toThrow(/UPSTREAM/);
	expect(() => configFromEnv({ UPSTREAM: 'wss://relay.example.org/?token=secret' }, '/srv/app')).toThrow(/no query/);
	expect(() => configFromEnv({ UPSTREAM: 'wss://relay.example.org', UPSTREAM_MAX_LINKS: '0' }, '/srv/app')).toThrow(/UPSTREAM_MAX_LINKS/);
});
