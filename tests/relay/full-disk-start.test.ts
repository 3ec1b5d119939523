// A relay started on a full disk serves its documents read-only instead of refusing to
// start. The disk is a real one that fills up: a small tmpfs (mounting needs root; where
// that is not allowed the test says so and is skipped).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import { ensureRelayBuilt, startRelayProcess } from '../support/relay-process.js';
import {
	committedSpace,
	makeClient,
	metric,
	nextClose,
	randomRoomId,
	randomToken,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

function mountSmallDisk(dir: string): boolean {
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Whether this machine lets the test mount a disk of its own. */
function canMount(): boolean {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-mount-probe-'));
	try {
		if (!mountSmallDisk(dir)) return false;
		execFileSync('umount', [dir], { stdio: 'ignore' });
		return true;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Writes zeros into `file` until the disk refuses. */
function fillDisk(file: string): void {
	const fd = openSync(file, 'w');
	const chunk = Buffer.alloc(64 * 1024);
	try {
		for (;;) writeSync(fd, chunk);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
	} finally {
		closeSync(fd);
	}
}

const mountable = canMount();
if (!mountable) console.warn('full-disk-start: mounting a tmpfs is not allowed here; the test is skipped');

test.skipIf(!mountable).each(['SIGKILL', 'SIGTERM'] as const)('stopped by %s, then restarted on a full disk, the relay runs read-only: documents are served, writes get 4507, /healthz says so', async (signal) => {
	const dataDir = tempDir('tmpfs');
	expect(mountSmallDisk(dataDir)).toBe(true);
	onTestFinished(() => void execFileSync('umount', ['-l', dataDir], { stdio: 'ignore' }));
	const env = { MIN_FREE_BYTES: '1MiB' };
	const room = randomRoomId();
	const token = randomToken();
	const first = await startRelayProcess({ dataDir, env });
	const writer = makeClient(`ws://127.0.0.1:${first.port}/sync`, room, token);
	await waitForSynced(writer);
	for (let n = 1; n <= 3; n++) writer.doc.getMap<number>('stock').set(`crate ${n}`, n);
	const persisted = async (): Promise<number> =>
		metric(await (await fetch(`http://127.0.0.1:${first.port}/metrics`)).text(), 'relay_updates_persisted_total');
	await waitFor(async () => (await persisted()) >= 3, 'the edits to be stored');
	writer.destroy();
	// A crash leaves what was stored in the journal and the log; a clean stop, in the file alone.
	await first.kill(signal);

	fillDisk(join(dataDir, 'filler'));
	const relay = await startRelayProcess({ dataDir, env });
	onTestFinished(() => void relay.kill('SIGKILL'));
	expect(relay.output()).toMatch(/READ-ONLY/);
	const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
	expect(health.status).toBe(503);
	expect(((await health.json()) as { status: string }).status).toBe('read-only');

	const syncUrl = `ws://127.0.0.1:${relay.port}/sync`;
	const reader = makeClient(syncUrl, room, token);
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getMap('stock').get('crate 3') === 3, 'the documents to be served');
	const refused = nextClose(reader);
	reader.doc.getMap<number>('stock').set('crate 4', 4);
	expect(await refused).toEqual({ code: 4507, reason: 'storage-low' });
	reader.destroy();
	const space = committedSpace();
	const newcomer = makeClient(syncUrl, space.roomId, space.token, {
		readToken: space.readToken,
		claim: space.claim,
		recovery: space.recoveryHash,
		header: true
	});
	expect(await nextClose(newcomer)).toEqual({ code: 4507, reason: 'storage-low' });
	newcomer.destroy();
	// A key change is not now either: an answer that decides nothing.
	const rotation = await fetch(`http://127.0.0.1:${relay.port}/rooms/${room}/rotate`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ token: randomToken(), readToken: randomToken() })
	});
	expect(rotation.status).toBe(503);
	expect(await relay.kill('SIGTERM')).toBe(0);

	// Space again, and a restart: everything is there, and writes are taken.
	rmSync(join(dataDir, 'filler'));
	const again = await startRelayProcess({ dataDir, env });
	onTestFinished(() => void again.kill('SIGKILL'));
	const back = makeClient(`ws://127.0.0.1:${again.port}/sync`, room, token);
	await waitForSynced(back);
	await waitFor(() => back.doc.getMap('stock').get('crate 3') === 3, 'the documents after the restart');
	back.doc.getMap<number>('stock').set('crate 4', 4);
	const check = makeClient(`ws://127.0.0.1:${again.port}/sync`, room, token);
	await waitFor(() => check.doc.getMap('stock').get('crate 4') === 4, 'a write to be taken again');
}, 60_000);
