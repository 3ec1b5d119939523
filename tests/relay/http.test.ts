import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { makeClient, randomRoomId, randomToken, startTestRelay, tempDir, waitForSynced } from './helpers.js';

/** A fake app build: the files the real one has, with recognisable contents. */
function fakeBuild(): string {
	const dir = tempDir('static');
	mkdirSync(join(dir, '_app/immutable/entry'), { recursive: true });
	writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Passerelle</title>');
	writeFileSync(join(dir, '_app/immutable/entry/app.abc123.js'), 'export const app = 1;');
	writeFileSync(join(dir, '_app/version.json'), '{"version":"1"}');
	writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
	writeFileSync(join(dir, 'workbox-1a2b3c.js'), '/* workbox */');
	writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Passerelle"}');
	writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
	writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
	writeFileSync(join(tempDir('outside'), 'secret.txt'), 'secret');
	return dir;
}

/** A GET with the path sent exactly as written (fetch would normalise "..") */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const request = http.request({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
			let body = '';
			response.on('data', (chunk: Buffer) => (body += chunk.toString()));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
		});
		request.on('error', reject);
		request.end();
	});
}

test('/healthz answers JSON with the room and connection counts', async () => {
	const relay = await startTestRelay();
	const empty = await fetch(`${relay.httpUrl}/healthz`);
	expect(empty.status).toBe(200);
	expect(empty.headers.get('content-type')).toMatch(/^application\/json/);
	expect(await empty.json()).toEqual({ status: 'ok', rooms: 0, connections: 0 });

	const client = makeClient(relay.syncUrl, randomRoomId(), randomToken());
	await waitForSynced(client);
	expect(await (await fetch(`${relay.httpUrl}/healthz`)).json()).toEqual({ status: 'ok', rooms: 1, connections: 1 });
});

test('/metrics answers Prometheus text', async () => {
	const relay = await startTestRelay();
	const client = makeClient(relay.syncUrl, randomRoomId(), randomToken());
	await waitForSynced(client);
	const response = await fetch(`${relay.httpUrl}/metrics`);
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
	const text = await response.text();
	expect(text).toMatch(/^# TYPE relay_rooms_loaded gauge$/m);
	expect(text).toMatch(/^relay_rooms_loaded 1$/m);
	expect(text).toMatch(/^relay_connections\{access="member"\} 1$/m);
	expect(text).toMatch(/^relay_connections\{access="read"\} 0$/m);
	expect(text).toMatch(/^relay_messages_received_total\{kind="sync-step1"\} 1$/m);
	expect(text).toMatch(/^relay_bytes_received_total \d+$/m);
});

test('the built app is served with the right types and cache headers, and an SPA fallback', async () => {
	const relay = await startTestRelay({ staticDir: fakeBuild() });
	const get = (path: string): Promise<Response> => fetch(`${relay.httpUrl}${path}`);

	const index = await get('/');
	expect(index.status).toBe(200);
	expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
	expect(index.headers.get('cache-control')).toBe('no-cache');
	expect(await index.text()).toContain('<title>Passerelle</title>');

	const deep = await get('/espaces/abc/besoins?tab=open');
	expect(deep.status).toBe(200);
	expect(await deep.text()).toContain('<title>Passerelle</title>');
	expect(deep.headers.get('cache-control')).toBe('no-cache');

	const asset = await get('/_app/immutable/entry/app.abc123.js');
	expect(asset.status).toBe(200);
	expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
	expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
	expect(await asset.text()).toBe('export const app = 1;');

	for (const path of ['/sw.js', '/workbox-1a2b3c.js', '/manifest.webmanifest', '/index.html']) {
		expect((await get(path)).headers.get('cache-control'), path).toBe('no-cache');
	}
	expect((await get('/manifest.webmanifest')).headers.get('content-type')).toBe(
		'application/manifest+json; charset=utf-8'
	);
	expect((await get('/_app/version.json')).headers.get('content-type')).toBe('application/json; charset=utf-8');
	expect((await get('/robots.txt')).headers.get('content-type')).toBe('text/plain; charset=utf-8');
	expect((await get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');

	// A missing asset is a 404, not the page under a script's name.
	expect((await get('/_app/immutable/entry/missing.js')).status).toBe(404);

	// Revalidation of no-cache files costs no body.
	const etag = index.headers.get('etag') ?? '';
	const revalidated = await fetch(`${relay.httpUrl}/`, { headers: { 'If-None-Match': etag } });
	expect(revalidated.status).toBe(304);

	for (const path of ['/../outside/secret.txt', '/%2e%2e/secret.txt', '/_app/..%2f..%2fsecret.txt', '/a/../../etc/passwd']) {
		const response = await rawGet(relay.port, path);
		expect(response.status, path).toBe(400);
		expect(response.body).not.toContain('secret');
	}
});

test('text assets are sent gzipped to clients that accept it, images as they are', async () => {
	const dir = fakeBuild();
	const script = `export const big = ${JSON.stringify('passerelle '.repeat(500))};`;
	writeFileSync(join(dir, '_app/immutable/entry/big.js'), script);
	const relay = await startTestRelay({ staticDir: dir });
	const raw = (path: string, encoding?: string) =>
		new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
			const headers = encoding ? { 'Accept-Encoding': encoding } : undefined;
			http.get({ host: '127.0.0.1', port: relay.port, path, headers }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
			}).on('error', reject);
		});

	const compressed = await raw('/_app/immutable/entry/big.js', 'gzip, deflate, br');
	expect(compressed.headers['content-encoding']).toBe('gzip');
	expect(compressed.headers['vary']).toBe('Accept-Encoding');
	expect(compressed.body.length).toBeLessThan(script.length / 5);
	expect(gunzipSync(compressed.body).toString()).toBe(script);

	const identity = await raw('/_app/immutable/entry/big.js');
	expect(identity.headers['content-encoding']).toBeUndefined();
	expect(identity.body.toString()).toBe(script);

	const page = await raw('/some/deep/page', 'gzip');
	expect(gunzipSync(page.body).toString()).toContain('<title>Passerelle</title>');
	expect((await raw('/favicon.svg', 'gzip')).headers['content-encoding']).toBe('gzip');
});

test('without a built app, pages answer 404 saying so', async () => {
	const relay = await startTestRelay({ staticDir: tempDir('empty') });
	const response = await fetch(`${relay.httpUrl}/some/page`);
	expect(response.status).toBe(404);
	expect(await response.text()).toMatch(/not built.*npm run build/);
	expect((await fetch(`${relay.httpUrl}/healthz`)).status).toBe(200);
});
