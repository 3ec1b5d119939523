// A relay that lost its data (a failed disk, a machine restored empty) is filled again by
// the first member device that connects: its whole copy, larger than the largest message
// the relay accepts, arrives in pieces. The real built relay runs with small limits set
// through its environment so that a few hundred kilobytes are "too big".
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import * as Y from 'yjs';
import { sendBigAnswersInPieces } from '../../src/lib/sync/big-answers.js';
import { generator, int, pick, string } from '../../src/lib/testing/random.js';
import { ensureRelayBuilt, startRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { makeClient, nextClose, randomRoomId, randomToken, tempDir, waitFor, waitForSynced, type TestClient } from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

const MAX_PAYLOAD = 32 * 1024;
const PIECE = 8 * 1024;
/** Fewer messages in a burst than the pieces of the space: they must be paced to pass. */
const LIMITS = {
	MAX_PAYLOAD_BYTES: '32KiB',
	SYNC_CHUNK_BYTES: '8KiB',
	MESSAGE_BURST: '20',
	MAX_MESSAGES_PER_SECOND: '60'
};

async function relay(dataDir: string): Promise<RelayProcess> {
	const process = await startRelayProcess({ dataDir, env: LIMITS });
	onTestFinished(() => void process.kill('SIGKILL'));
	return process;
}

const syncUrl = (relay: RelayProcess): string => `ws://127.0.0.1:${relay.port}/sync`;

/**
 * A space written by three members over time, each building on what the others wrote:
 * ledger lines, resources kept in a map, needs with their comments, minutes typed.
 */
function writtenSpace(seed: number): Y.Doc {
	const gen = generator(seed);
	const members = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
	for (let round = 0; round < 60; round++) {
		for (const doc of members) {
			doc.transact(() => {
				const ledger = doc.getArray<unknown>('ledger');
				for (let k = 0; k < 10; k++) {
					ledger.insert(int(gen, 0, ledger.length), [{ round, k, label: string(gen, 20, 60), cents: int(gen, 1, 99_999) }]);
				}
				if (ledger.length > 30 && int(gen, 0, 2) === 0) ledger.delete(int(gen, 0, ledger.length - 3), 2);
				doc.getMap('resources').set(`r${int(gen, 0, 200)}`, { name: string(gen, 5, 30), kg: int(gen, 0, 500) });
				const minutes = doc.getText('minutes');
				minutes.insert(int(gen, 0, minutes.length), `${string(gen, 10, 80)} `);
				const needs = doc.getArray<Y.Map<unknown>>('needs');
				if (needs.length > 0 && int(gen, 0, 1) === 0) {
					const need = pick(gen, needs.toArray());
					need.set('state', pick(gen, ['open', 'met', 'closed']));
					const comments = need.get('comments');
					if (comments instanceof Y.Text) comments.insert(comments.length, string(gen, 3, 20));
				} else {
					const need = new Y.Map<unknown>();
					need.set('label', string(gen, 5, 30));
					need.set('comments', new Y.Text(string(gen, 0, 20)));
					needs.insert(int(gen, 0, needs.length), [need]);
				}
			});
		}
		// Each round, everyone hears of everyone before writing again.
		const updates = members.map((doc) => Y.encodeStateAsUpdate(doc));
		for (const doc of members) for (const update of updates) Y.applyUpdate(doc, update);
	}
	return members[0] as Y.Doc;
}

function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

function sameDocument(doc: Y.Doc, source: Y.Doc): void {
	expect(Y.decodeStateVector(Y.encodeStateVector(doc))).toEqual(Y.decodeStateVector(Y.encodeStateVector(source)));
	expect(doc.getArray('ledger').toJSON()).toEqual(source.getArray('ledger').toJSON());
	expect(doc.getMap('resources').toJSON()).toEqual(source.getMap('resources').toJSON());
	expect(doc.getArray('needs').toJSON()).toEqual(source.getArray('needs').toJSON());
	expect(doc.getText('minutes').toString()).toBe(source.getText('minutes').toString());
	expect(Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(source))).toBe(true);
}

/** A device that never saw the space, syncing it from the relay. */
async function freshDevice(url: string, room: string, token: string): Promise<TestClient> {
	const fresh = makeClient(url, room, token, { doc: new Y.Doc() });
	await waitForSynced(fresh);
	return fresh;
}

/** The same state vector as `source`: everything `source` holds has arrived. */
function holdsAll(doc: Y.Doc, source: Y.Doc): boolean {
	return Y.encodeStateVector(doc).join() === Y.encodeStateVector(source).join();
}

test('a stock client cannot re-seed an emptied relay with a space larger than its largest message', async () => {
	const space = writtenSpace(31);
	expect(Y.encodeStateAsUpdate(space).byteLength).toBeGreaterThan(4 * MAX_PAYLOAD);
	const empty = await relay(tempDir('reseed-stock'));
	const room = randomRoomId();
	const token = randomToken();

	const device = makeClient(syncUrl(empty), room, token, { doc: copyOf(space), connect: false });
	const closed = nextClose(device);
	device.provider.connect();
	// Its whole copy as one step 2: refused as too big, again at every retry.
	expect((await closed).code).toBe(1009);
	device.destroy();

	const fresh = await freshDevice(syncUrl(empty), room, token);
	expect(fresh.doc.getArray('ledger').length).toBe(0);
});

test('the first member device back re-seeds an emptied relay in pieces, and a new device then gets the whole space', async () => {
	const space = writtenSpace(32);
	const whole = Y.encodeStateAsUpdate(space).byteLength;
	expect(whole).toBeGreaterThan(4 * MAX_PAYLOAD);
	// More pieces than the relay lets a connection send at once.
	expect(whole / PIECE).toBeGreaterThan(Number(LIMITS.MESSAGE_BURST));
	const dataDir = tempDir('reseed');
	const empty = await relay(dataDir);
	const room = randomRoomId();
	const token = randomToken();

	const device = makeClient(syncUrl(empty), room, token, { doc: copyOf(space), connect: false });
	sendBigAnswersInPieces(device.provider, { pieceBytes: PIECE });
	const closes: number[] = [];
	device.provider.on('connection-close', (event: { code: number } | null) => {
		if (event) closes.push(event.code);
	});
	device.provider.connect();
	await waitForSynced(device);

	const fresh = await freshDevice(syncUrl(empty), room, token);
	await waitFor(() => holdsAll(fresh.doc, space), 'the new device to hold the whole space', 20_000);
	sameDocument(fresh.doc, space);
	// Neither too big nor too fast: the device was never turned away.
	expect(closes).toEqual([]);
	expect(device.provider.wsconnected).toBe(true);
	device.destroy();
	fresh.destroy();

	// Stored, not only passed along: after a restart, the relay alone serves it.
	expect(await empty.kill('SIGTERM')).toBe(0);
	const restarted = await relay(dataDir);
	const later = await freshDevice(syncUrl(restarted), room, token);
	await waitFor(() => holdsAll(later.doc, space), 'the relay to serve the whole space after a restart', 20_000);
	sameDocument(later.doc, space);
});

test('one change larger than the relay’s largest message, like a file imported on the device, reaches other devices', async () => {
	const emptyRelay = await relay(tempDir('reseed-import'));
	const room = randomRoomId();
	const token = randomToken();
	const device = makeClient(syncUrl(emptyRelay), room, token, { doc: new Y.Doc(), connect: false });
	sendBigAnswersInPieces(device.provider, { pieceBytes: PIECE });
	const closes: number[] = [];
	device.provider.on('connection-close', (event: { code: number } | null) => {
		if (event) closes.push(event.code);
	});
	device.provider.connect();
	await waitForSynced(device);
	const other = await freshDevice(syncUrl(emptyRelay), room, token);

	// One transaction, as an import applies a file's changes.
	const imported = writtenSpace(33);
	Y.applyUpdate(device.doc, Y.encodeStateAsUpdate(imported));
	device.doc.getText('minutes').insert(0, 'Importé, puis complété. ');
	expect(Y.encodeStateAsUpdate(device.doc).byteLength).toBeGreaterThan(4 * MAX_PAYLOAD);

	await waitFor(() => holdsAll(other.doc, device.doc), 'the other device to receive the import', 20_000);
	sameDocument(other.doc, device.doc);
	expect(closes).toEqual([]);
});
