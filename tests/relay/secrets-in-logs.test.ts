import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import { WebSocket } from 'ws';
import { ensureRelayBuilt, startRelayProcess } from '../support/relay-process.js';
import { committedSpace, makeClient, nextClose, randomRoomId, randomToken, tempDir, waitFor, waitForSynced } from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

test('no token ever reaches the relay’s output or its files, at the most verbose log level', async () => {
	const dataDir = tempDir('secrets');
	const claimKey = `cle-${randomToken()}`;
	const relay = await startRelayProcess({ dataDir, env: { LOG_LEVEL: 'debug', CLAIM_KEY: claimKey } });
	onTestFinished(() => void relay.kill('SIGKILL'));
	const base = `127.0.0.1:${relay.port}`;
	const room = randomRoomId();
	const token = randomToken();
	const readToken = randomToken();
	const wrongToken = randomToken();
	const newToken = randomToken();
	const newReadToken = randomToken();

	// Every path a token travels: claim, read-only access, probes, refusals, rotation.
	const member = makeClient(`ws://${base}/sync`, room, token, { readToken, claimKey });
	const reader = makeClient(`ws://${base}/sync`, room, readToken);
	await Promise.all([waitForSynced(member), waitForSynced(reader)]);
	member.doc.getMap('m').set('k', 'v');
	reader.doc.getMap('m').set('dropped', true);
	for (const probeToken of [token, readToken, wrongToken]) {
		await fetch(`http://${base}/sync/${room}?token=${probeToken}`);
	}
	await new Promise<void>((resolve) => {
		const refused = new WebSocket(`ws://${base}/sync/${room}?token=${wrongToken}`);
		refused.on('error', () => resolve());
	});
	const closed = nextClose(member);
	const response = await fetch(`http://${base}/rooms/${room}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ token: newToken, readToken: newReadToken })
	});
	expect(response.status).toBe(200);
	expect((await closed).code).toBe(4403);
	await fetch(`http://${base}/rooms/${room}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${wrongToken}` },
		body: '{"token":"x"}'
	});
	const again = makeClient(`ws://${base}/sync`, room, newToken, { readToken: newReadToken });
	await waitForSynced(again);
	// And in the header: a committed space claimed, refused without the key, recovered.
	const space = committedSpace();
	const withoutKey = makeClient(`ws://${base}/sync`, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
	expect((await nextClose(withoutKey)).code).toBe(4402);
	withoutKey.destroy();
	const owner = makeClient(`ws://${base}/sync`, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		claimKey,
		header: true
	});
	await waitForSynced(owner);
	const recoveredToken = randomToken();
	const recovery = await fetch(`http://${base}/rooms/${space.roomId}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${space.recoveryToken}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ token: recoveredToken })
	});
	expect(recovery.status).toBe(200);
	await fetch(`http://${base}/sync/${space.roomId}`, { headers: { Authorization: `Bearer ${recoveredToken}` } });
	await waitFor(() => relay.output().includes('room tokens rotated'), 'the rotation to be logged');

	expect(await relay.kill('SIGTERM')).toBe(0);
	const output = relay.output();
	expect(output).toContain(room);
	expect(output).toContain('"msg":"upgrade refused"');
	expect(output).toContain('"claimKey":"set"');
	const secrets = [token, readToken, wrongToken, newToken, newReadToken, claimKey];
	secrets.push(space.token, space.readToken, space.claim, space.recoveryToken, recoveredToken);
	for (const secret of secrets) {
		expect(output).not.toContain(secret);
		for (const name of readdirSync(dataDir)) {
			expect(readFileSync(join(dataDir, name)).includes(Buffer.from(secret)), name).toBe(false);
		}
	}
});
