// Serves the built PWA, so that one process on one port is a whole site deployment.
// Hashed assets are cached forever; the files that decide which version runs (the page,
// the service worker, the manifest) are revalidated on every load.
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json; charset=utf-8',
	'.txt': 'text/plain; charset=utf-8',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.svg': 'image/svg+xml',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
	'.woff': 'font/woff',
	'.wasm': 'application/wasm'
};

// Text assets are sent gzipped: on a cheap phone over a poor link the first visit's
// JavaScript shrinks about threefold. Each file is compressed once per version.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.txt', '.svg']);
const MAX_GZIP_CACHE_BYTES = 32 * 1024 * 1024;
const gzipCache = new Map<string, Buffer>();
let gzipCacheBytes = 0;

function gzipped(file: string, etag: string): Buffer {
	const key = `${file}\0${etag}`;
	let body = gzipCache.get(key);
	if (body === undefined) {
		body = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
		if (gzipCacheBytes + body.length <= MAX_GZIP_CACHE_BYTES) {
			gzipCache.set(key, body);
			gzipCacheBytes += body.length;
		}
	}
	return body;
}

function acceptsGzip(req: IncomingMessage): boolean {
	const accepted = req.headers['accept-encoding'];
	return typeof accepted === 'string' && /\bgzip\b/.test(accepted);
}

/**
 * Sent with every response of the app. The page carries its own Content-Security-Policy
 * in a <meta> tag (hashes of its inline script); what a <meta> tag cannot say goes
 * here: no framing (clickjacking), and no Referer, since the app's paths carry the space
 * id. Browsers enforce both policies, so this one only repeats rules that cannot clash
 * with the page's.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'Content-Security-Policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
	'X-Frame-Options': 'DENY',
	'Referrer-Policy': 'no-referrer',
	'X-Content-Type-Options': 'nosniff'
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

function cacheControl(urlPath: string): string | null {
	if (urlPath.startsWith('/_app/immutable/')) return IMMUTABLE;
	const name = path.posix.basename(urlPath);
	if (
		name === 'index.html' ||
		name === 'sw.js' ||
		name === 'registerSW.js' ||
		name === 'manifest.webmanifest' ||
		/^workbox-[\w.-]*\.js$/.test(name) ||
		name.endsWith('.html')
	) {
		return NO_CACHE;
	}
	return null;
}

function plain(res: ServerResponse, status: number, text: string): void {
	res.writeHead(status, {
		...SECURITY_HEADERS,
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': NO_CACHE
	});
	res.end(text);
}

/** The path below the static root, or null when the URL tries to leave it. */
function safeRelativePath(rawPath: string): string | null {
	let decoded: string;
	try {
		decoded = decodeURIComponent(rawPath);
	} catch {
		return null;
	}
	if (decoded.includes('\0') || decoded.includes('\\')) return null;
	if (decoded.split('/').some((segment) => segment === '..')) return null;
	return decoded;
}

function statFile(file: string): fs.Stats | null {
	try {
		const stats = fs.statSync(file);
		return stats.isFile() ? stats : null;
	} catch {
		return null;
	}
}

export function createStaticHandler(staticDir: string) {
	const root = path.resolve(staticDir);
	const indexFile = path.join(root, 'index.html');

	return function serveStatic(req: IncomingMessage, res: ServerResponse, urlPath: string): void {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' });
			res.end();
			return;
		}
		const relative = safeRelativePath(urlPath);
		if (relative === null) return plain(res, 400, 'Bad path.\n');
		const indexStats = statFile(indexFile);
		if (indexStats === null) {
			return plain(res, 404, 'The app is not built yet: run npm run build.\n');
		}
		const wanted = relative.endsWith('/') ? `${relative}index.html` : relative;
		const file = path.join(root, wanted);
		// Belt and braces after the ".." check: never serve outside the root.
		if (file !== root && !file.startsWith(root + path.sep)) return plain(res, 400, 'Bad path.\n');
		const stats = statFile(file);
		if (stats !== null) return sendFile(req, res, file, stats, cacheControl(wanted));
		// SPA fallback for page URLs (no file extension). A missing asset gets a 404, not
		// HTML under a script's name that a cache would keep.
		if (path.posix.extname(wanted) === '' || wanted.endsWith('.html')) {
			return sendFile(req, res, indexFile, indexStats, NO_CACHE);
		}
		plain(res, 404, 'Not found.\n');
	};
}

function sendFile(
	req: IncomingMessage,
	res: ServerResponse,
	file: string,
	stats: fs.Stats,
	cache: string | null
): void {
	const extension = path.extname(file).toLowerCase();
	const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
	const headers: Record<string, string | number> = {
		...SECURITY_HEADERS,
		'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
		ETag: etag
	};
	const compressible = COMPRESSIBLE.has(extension);
	if (compressible) headers['Vary'] = 'Accept-Encoding';
	if (cache !== null) headers['Cache-Control'] = cache;
	if (req.headers['if-none-match'] === etag) {
		res.writeHead(304, headers);
		res.end();
		return;
	}
	if (compressible && acceptsGzip(req)) {
		let body: Buffer;
		try {
			body = gzipped(file, etag);
		} catch {
			return plain(res, 500, 'Could not read the file.\n');
		}
		headers['Content-Encoding'] = 'gzip';
		headers['Content-Length'] = body.length;
		res.writeHead(200, headers);
		res.end(req.method === 'HEAD' ? undefined : body);
		return;
	}
	headers['Content-Length'] = stats.size;
	res.writeHead(200, headers);
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	const stream = fs.createReadStream(file);
	stream.on('error', () => res.destroy());
	stream.pipe(res);
}
