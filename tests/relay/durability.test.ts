import { onTestFinished, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
	captureStoredAcks,
	covers,
	makeClient,
	randomRoomId,
	randomToken,
	tempDir,
	waitFor,
	waitForSynced
} from './helpers.js';
import { ensureRelayBuilt, startRelayProcess } from '../support/relay-process.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

test('acknowledged edits survive SIGKILL and are served from SQLite alone after a restart', async () => {
	const dataDir = tempDir('durable');
	const staticDir = tempDir('static');
	const first = await startRelayProcess({ dataDir, staticDir });
	onTestFinished(() => void first.kill('SIGKILL'));
	const syncUrl = (port: number): string => `ws://127.0.0.1:${port}/sync`;
	const room = randomRoomId();
	const token = randomToken();

	const writer = makeClient(syncUrl(first.port), room, token, { ack: true });
	const acks = captureStoredAcks(writer);
	await waitForSynced(writer);
	const stock = writer.doc.getArray<{ item: string; kg: number }>('stock');
	for (let n = 0; n < 50; n++) stock.push([{ item: `crate ${n}`, kg: n }]);
	stock.delete(0, 1);
	// Frames are stored in order, so an acknowledgement that covers this last insertion
	// also covers the deletion before it (a state vector does not describe deletions).
	writer.doc.getText('minutes').insert(0, 'Assemblée du mardi');
	await waitFor(() => acks.some((sv) => covers(sv, writer.doc)), 'the relay to acknowledge every edit');

	// No goodbye, no flush: the process dies between two instructions.
	const exitCode = await first.kill('SIGKILL');
	expect(exitCode).toBeNull();
	writer.destroy();

	const second = await startRelayProcess({ dataDir, staticDir });
	onTestFinished(() => void second.kill('SIGKILL'));
	const reader = makeClient(syncUrl(second.port), room, token, { doc: new Y.Doc() });
	await waitForSynced(reader);
	await waitFor(() => reader.doc.getArray('stock').length === 49, 'the stock to be restored');
	expect(reader.doc.getArray<{ item: string }>('stock').get(0).item).toBe('crate 1');
	expect(reader.doc.getText('minutes').toString()).toBe('Assemblée du mardi');

	// SIGTERM is a clean stop: exit code 0.
	expect(await second.kill('SIGTERM')).toBe(0);
});
