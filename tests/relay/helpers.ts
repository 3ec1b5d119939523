// Shared harness for the relay tests: a real relay on port 0 with a fresh data
// directory, real y-websocket clients over real sockets, and teardown after each test.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import { onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startRelay, type RelayOptions } from '../../sync-server/src/relay.js';

export interface TestRelay {
	port: number;
	dataDir: string;
	/** ws://127.0.0.1:PORT/sync, the serverUrl a provider is given. */
	syncUrl: string;
	httpUrl: string;
	close(): Promise<void>;
}

export function tempDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), `passerelle-relay-${prefix}-`));
	onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

export async function startTestRelay(options: Partial<RelayOptions> = {}): Promise<TestRelay> {
	const dataDir = options.dataDir ?? tempDir('data');
	const relay = await startRelay({ port: 0, host: '127.0.0.1', ...options, dataDir });
	let closed = false;
	const close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		await relay.close();
	};
	onTestFinished(close);
	return {
		port: relay.port,
		dataDir,
		syncUrl: `ws://127.0.0.1:${relay.port}/sync`,
		httpUrl: `http://127.0.0.1:${relay.port}`,
		close
	};
}

/** A room id like the app's: 128 random bits, URL-safe. */
export function randomRoomId(): string {
	return randomBytes(16).toString('base64url');
}

export function randomToken(): string {
	return randomBytes(32).toString('base64url');
}

/** The read token a test member brings when the test names none: any client can claim, as members do. */
export function pairedReadToken(token: string): string {
	return createHash('sha256').update(`read:${token}`).digest('base64url');
}

export function hashOf(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new space as the app creates it: its id commits to its claim secret and recovery hash. */
export interface CommittedSpace {
	roomId: string;
	token: string;
	readToken: string;
	claim: string;
	recoveryToken: string;
	recoveryHash: string;
}

export function committedSpace(): CommittedSpace {
	const claim = randomToken();
	const recoveryToken = randomToken();
	const recoveryHash = hashOf(recoveryToken);
	const roomId = createHash('sha256').update(`${claim}.${recoveryHash}`).digest('base64url');
	return { roomId, token: randomToken(), readToken: randomToken(), claim, recoveryToken, recoveryHash };
}

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

export interface ClientOptions {
	doc?: Y.Doc;
	connect?: boolean;
	ack?: boolean;
	/**
	 * Sent by members so the relay learns the room's read-only token, and needed to claim a
	 * room. By default a token derived from the client's own; null sends none (a read-only
	 * device).
	 */
	readToken?: string | null;
	claim?: string;
	recovery?: string;
	claimKey?: string;
	/** Credentials in the Sec-WebSocket-Protocol header, as the app sends them, instead of the URL. */
	header?: boolean;
}

/** A stock y-websocket client, as the app uses it, but over the `ws` package. */
export function makeClient(
	syncUrl: string,
	roomId: string,
	token: string,
	options: ClientOptions = {}
): TestClient {
	const doc = options.doc ?? new Y.Doc();
	const readToken = options.readToken === undefined ? pairedReadToken(token) : options.readToken;
	const credentials: Array<[string, string, string | null | undefined]> = [
		['t.', 'token', token],
		['r.', 'readToken', readToken],
		['c.', 'claim', options.claim],
		['v.', 'recovery', options.recovery],
		['k.', 'claimKey', options.claimKey]
	];
	const params: Record<string, string> = {};
	const protocols = ['passerelle.2'];
	for (const [prefix, name, value] of credentials) {
		if (value === null || value === undefined) continue;
		params[name] = value;
		protocols.push(`${prefix}${value}`);
	}
	if (options.ack === true) {
		params['ack'] = '1';
		protocols.push('ack');
	}
	const provider = new WebsocketProvider(syncUrl, roomId, doc, {
		...(options.header === true ? { protocols } : { params }),
		connect: options.connect ?? true,
		// In one Node process, BroadcastChannel would sync clients past the relay.
		disableBc: true,
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket
	});
	let destroyed = false;
	const destroy = (): void => {
		if (destroyed) return;
		destroyed = true;
		provider.destroy();
		doc.destroy();
	};
	onTestFinished(destroy);
	return { doc, provider, destroy };
}

export async function waitFor(
	condition: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await condition()) return;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

export function waitForSynced(client: TestClient): Promise<void> {
	return waitFor(() => client.provider.synced, 'the client to sync');
}

export interface Health {
	status: string;
	rooms: number;
	connections: number;
}

export async function health(relay: { httpUrl: string }): Promise<Health> {
	const response = await fetch(`${relay.httpUrl}/healthz`);
	return (await response.json()) as Health;
}

export async function metricsText(relay: { httpUrl: string }): Promise<string> {
	return (await fetch(`${relay.httpUrl}/metrics`)).text();
}

/** The value of one sample in Prometheus text, e.g. metric(text, 'relay_refusals_total', { reason: 'rate-limited' }). */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
	const wanted = Object.entries(labels)
		.map(([key, value]) => `${key}="${value}"`)
		.join(',');
	const prefix = wanted === '' ? `${name} ` : `${name}{${wanted}} `;
	const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
	return line === undefined ? 0 : Number(line.slice(prefix.length));
}

/** Resolves with the code and reason of the next close the relay sends to this client. */
export function nextClose(client: TestClient): Promise<{ code: number; reason: string }> {
	return new Promise((resolve) => {
		const listener = (event: { code: number; reason: string } | null): void => {
			if (event === null) return;
			client.provider.off('connection-close', listener);
			resolve({ code: event.code, reason: event.reason });
		};
		client.provider.on('connection-close', listener);
	});
}

/** Whether every struct of `doc` is below the encoded state vector `sv`. */
export function covers(sv: Uint8Array, doc: Y.Doc): boolean {
	const acknowledged = Y.decodeStateVector(sv);
	for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
		if ((acknowledged.get(client) ?? 0) < clock) return false;
	}
	return true;
}

/**
 * Collects the state vectors of the relay's type-8 "stored" messages. The stock provider
 * keeps a per-instance copy of its message handlers, so adding one is local to it.
 */
export function captureStoredAcks(client: TestClient): Uint8Array[] {
	const acks: Uint8Array[] = [];
	client.provider.messageHandlers[8] = (_encoder, decoder) => {
		acks.push(decoding.readVarUint8Array(decoder));
	};
	return acks;
}

/**
 * A disk whose syncs wait until the test releases it (for a relay given
 * `openSqliteStorage({ dataDir, syncFile })`); released at the end of the test anyway.
 */
export function heldDisk(): { syncFile: () => Promise<void>; release(): void; waiting(): number } {
	let held = true;
	const waiting: Array<() => void> = [];
	const release = (): void => {
		held = false;
		for (const resolve of waiting.splice(0)) resolve();
	};
	onTestFinished(release);
	return {
		syncFile: () => (held ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve()),
		release,
		waiting: () => waiting.length
	};
}
