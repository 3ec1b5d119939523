import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startTestRelay, tempDir } from './helpers.js';

/** A fake app build with a page, a hashed asset and the service worker. */
function fakeBuild(): string {
	const dir = tempDir('static');
	mkdirSync(join(dir, '_app/immutable/entry'), { recursive: true });
	writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Passerelle</title>');
	writeFileSync(join(dir, '_app/immutable/entry/app.abc123.js'), 'export const app = 1;');
	writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
	writeFileSync(join(dir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
	return dir;
}

function expectSecurityHeaders(response: Response, what: string): void {
	const csp = response.headers.get('content-security-policy') ?? '';
	expect(csp, what).toContain("frame-ancestors 'none'");
	expect(csp, what).toContain("object-src 'none'");
	expect(response.headers.get('x-frame-options'), what).toBe('DENY');
	expect(response.headers.get('referrer-policy'), what).toBe('no-referrer');
	expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
}

test('every response of the app forbids framing and referrers: pages, assets, fallbacks, errors', async () => {
	const relay = await startTestRelay({ staticDir: fakeBuild() });
	const cases: [string, number, RequestInit?][] = [
		['/', 200],
		['/s/some-space/members', 200],
		['/_app/immutable/entry/app.abc123.js', 200],
		['/sw.js', 200],
		['/icon.png', 200],
		['/missing.js', 404],
		['/', 405, { method: 'POST' }]
	];
	for (const [path, status, init] of cases) {
		const response = await fetch(`${relay.httpUrl}${path}`, init);
		expect(response.status, path).toBe(status);
		expectSecurityHeaders(response, `${init?.method ?? 'GET'} ${path}`);
		await response.arrayBuffer();
	}
	// A revalidation answered "not modified" carries them too.
	const first = await fetch(`${relay.httpUrl}/`);
	await first.arrayBuffer();
	const again = await fetch(`${relay.httpUrl}/`, { headers: { 'If-None-Match': first.headers.get('etag') ?? '' } });
	expect(again.status).toBe(304);
	expectSecurityHeaders(again, '304 /');
});
