// Small helpers for the relay's JSON endpoints (probe, rotation, health).
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers with a JSON body. These endpoints carry no cookie and no ambient authority (a
 * token travels in the request itself), so any origin may call them: the app may be
 * served from another address than the relay its invite points at.
 */
export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-store',
		'Access-Control-Allow-Origin': '*',
		...headers
	});
	res.end(text);
}

export class BodyTooLargeError extends Error {
	override name = 'BodyTooLargeError';
}

/**
 * Reads a request body of at most `limit` bytes. A longer one is read to its end without
 * being kept, so that the client gets a clean refusal, unless it goes on past 64 times
 * the limit: then the connection is cut.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
			else if (size > 64 * limit) {
				reject(new BodyTooLargeError(`body over ${limit} bytes`));
				req.destroy();
			}
		});
		req.on('end', () => {
			if (size > limit) reject(new BodyTooLargeError(`body over ${limit} bytes`));
			else resolve(Buffer.concat(chunks));
		});
		req.on('error', reject);
	});
}
