import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { makeClient, randomRoomId, randomToken, startTestRelay, waitFor, waitForSynced } from './helpers.js';

interface UpgradeOutcome {
	status: number | null;
	opened: boolean;
	messages: number;
}

/** Opens a raw socket and reports how the upgrade ended and what was received. */
function tryUpgrade(url: string): Promise<UpgradeOutcome> {
	return new Promise((resolve) => {
		const outcome: UpgradeOutcome = { status: null, opened: false, messages: 0 };
		const socket = new WebSocket(url);
		socket.on('message', () => (outcome.messages += 1));
		socket.on('unexpected-response', (_request, response) => {
			outcome.status = response.statusCode ?? null;
			response.resume();
			socket.terminate();
		});
		socket.on('open', () => {
			outcome.opened = true;
			// Give the relay time to send whatever it would send.
			setTimeout(() => socket.close(), 300);
		});
		socket.on('error', () => {});
		socket.on('close', () => resolve(outcome));
	});
}

test('the first token claims a room; other tokens, no token and bad room ids are refused at the upgrade', async () => {
	const relay = await startTestRelay();
	const room = randomRoomId();
	const token = randomToken();
	const owner = makeClient(relay.syncUrl, room, token);
	await waitForSynced(owner);
	owner.doc.getMap('fund').set('balance', 1200);
	await waitFor(async () => (await fetch(`${relay.httpUrl}/metrics`).then((r) => r.text())).includes('relay_updates_persisted_total 1'), 'the update to be stored');

	const wrong = await tryUpgrade(`${relay.syncUrl}/${room}?token=${randomToken()}`);
	expect(wrong).toEqual({ status: 403, opened: false, messages: 0 });

	const missing = await tryUpgrade(`${relay.syncUrl}/${room}`);
	expect(missing).toEqual({ status: 401, opened: false, messages: 0 });

	const empty = await tryUpgrade(`${relay.syncUrl}/${room}?token=`);
	expect(empty.status).toBe(401);

	const badRoom = await tryUpgrade(`${relay.syncUrl}/short?token=${token}`);
	expect(badRoom).toEqual({ status: 400, opened: false, messages: 0 });

	const badChars = await tryUpgrade(`${relay.syncUrl}/${room.slice(0, 20)}%2F..?token=${token}`);
	expect(badChars.status).toBe(400);

	const elsewhere = await tryUpgrade(`ws://127.0.0.1:${relay.port}/other/${room}?token=${token}`);
	expect(elsewhere.status).toBe(404);

	// The right token still gets in, and the refusals changed nothing.
	const ok = await tryUpgrade(`${relay.syncUrl}/${room}?token=${encodeURIComponent(token)}`);
	expect(ok.opened).toBe(true);
	expect(ok.messages).toBeGreaterThan(0);
	const again = makeClient(relay.syncUrl, room, token);
	await waitForSynced(again);
	expect(again.doc.getMap('fund').get('balance')).toBe(1200);

	const metrics = await fetch(`${relay.httpUrl}/metrics`).then((r) => r.text());
	expect(metrics).toMatch(/relay_upgrades_refused_total\{reason="wrong-token"\} 1/);
	expect(metrics).toMatch(/relay_upgrades_refused_total\{reason="missing-token"\} 2/);
});

test('a token is never stored or logged in clear', async () => {
	const lines: string[] = [];
	const record = (fields: object, msg: string): void => {
		lines.push(`${msg} ${JSON.stringify(fields)}`);
	};
	const relay = await startTestRelay({ logger: { debug: record, info: record, warn: record, error: record } });
	const room = randomRoomId();
	const token = randomToken();
	const client = makeClient(relay.syncUrl, room, token);
	await waitForSynced(client);
	await tryUpgrade(`${relay.syncUrl}/${room}?token=not-the-token`);
	await relay.close();
	expect(lines.join('\n')).toContain(room);
	expect(lines.join('\n')).not.toContain(token);
	expect(lines.join('\n')).not.toContain('not-the-token');
	for (const name of readdirSync(relay.dataDir)) {
		const bytes = readFileSync(join(relay.dataDir, name));
		expect(bytes.includes(Buffer.from(token)), name).toBe(false);
	}
});
