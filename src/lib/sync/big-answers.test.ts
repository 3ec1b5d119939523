import { describe, expect, test } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MESSAGE_SYNC, SYNC_STEP2, SYNC_UPDATE } from '$wire';
import { framesFor, framesInSlices } from './big-answers';
import { applyRandomTests, documentJSON, withNetwork, type Operation } from '$lib/testing/network';
import { int, pick, seeds, string } from '$lib/testing/random';

/** Members writing ledger lines, minutes, resources and needs with comments, building on each other's. */
const operations: Operation[] = [
	(doc, gen) => {
		const ledger = doc.getArray<unknown>('ledger');
		ledger.insert(
			int(gen, 0, ledger.length),
			Array.from({ length: int(gen, 1, 8) }, () => ({ label: string(gen, 5, 50), cents: int(gen, 1, 99_999) }))
		);
	},
	(doc, gen) => {
		const ledger = doc.getArray<unknown>('ledger');
		if (ledger.length > 3) ledger.delete(int(gen, 0, ledger.length - 3), int(gen, 1, 2));
	},
	(doc, gen) => {
		const minutes = doc.getText('minutes');
		minutes.insert(int(gen, 0, minutes.length), `${string(gen, 1, 120)} é€`);
	},
	(doc, gen) => doc.getMap('resources').set(`r${int(gen, 0, 30)}`, { kg: int(gen, 0, 99), by: doc.clientID }),
	(doc, gen) => {
		const need = new Y.Map<unknown>();
		need.set('label', string(gen, 1, 30));
		need.set('comments', new Y.Text(string(gen, 0, 20)));
		const needs = doc.getArray<Y.Map<unknown>>('needs');
		needs.insert(int(gen, 0, needs.length), [need]);
	},
	(doc, gen) => {
		const needs = doc.getArray<Y.Map<unknown>>('needs');
		if (needs.length === 0) return;
		const need = needs.get(int(gen, 0, needs.length - 1));
		need.set('state', pick(gen, ['open', 'met', 'closed']));
		const comments = need.get('comments');
		if (comments instanceof Y.Text) comments.insert(int(gen, 0, comments.length), string(gen, 1, 12));
	}
];

/** A frame as the relay reads it: its sync kind and its update. */
function readFrame(frame: Uint8Array): { kind: number; update: Uint8Array } {
	const decoder = decoding.createDecoder(frame);
	expect(decoding.readVarUint(decoder)).toBe(MESSAGE_SYNC);
	const kind = decoding.readVarUint(decoder);
	const update = decoding.readVarUint8Array(decoder);
	expect(decoding.hasContent(decoder)).toBe(false);
	return { kind, update };
}

function sameDocument(rebuilt: Y.Doc, source: Y.Doc): void {
	expect(Y.decodeStateVector(Y.encodeStateVector(rebuilt))).toEqual(Y.decodeStateVector(Y.encodeStateVector(source)));
	// Read together, so that a type the rebuilt copy has not named yet is read as the source's.
	const [copy, original] = documentJSON([rebuilt, source]);
	expect(copy).toEqual(original);
	expect(Y.equalSnapshots(Y.snapshot(rebuilt), Y.snapshot(source))).toBe(true);
}

/** A space several members wrote, as one document holding everyone's changes. */
function writtenSpace(docs: readonly Y.Doc[]): Y.Doc {
	const space = new Y.Doc();
	space.transact(() => {
		for (const doc of docs) Y.applyUpdate(space, Y.encodeStateAsUpdate(doc));
	});
	return space;
}

describe('a device’s big answer to the relay', () => {
	// PASSERELLE_SEED replays one seed.
	test.each(seeds([41, 42, 43, 44]))('goes as bounded sync updates, then a step 2, that rebuild the space in order (seed %i)', (seed) =>
		withNetwork(4, seed, (network) => {
			applyRandomTests(network, operations, 400);
			const space = writtenSpace(network.docs);
			const whole = Y.encodeStateAsUpdate(space);
			for (const pieceBytes of [512, 4096]) {
				expect(whole.byteLength).toBeGreaterThan(4 * pieceBytes);
				const frames = framesFor(whole, pieceBytes, true).map(readFrame);
				expect(frames.length).toBeGreaterThan(1);
				expect(frames.slice(0, -1).every((frame) => frame.kind === SYNC_UPDATE)).toBe(true);
				expect(frames.at(-1)?.kind).toBe(SYNC_STEP2);
				const relay = new Y.Doc();
				frames.forEach(({ update }, n) => {
					// No single value here is near a piece: every piece stays about a piece.
					expect(update.byteLength, `piece ${n + 1}`).toBeLessThanOrEqual(pieceBytes * 1.25);
					Y.applyUpdate(relay, update);
					expect(relay.store.pendingStructs, `structs left waiting by piece ${n + 1}`).toBeNull();
				});
				expect(relay.store.pendingDs).toBeNull();
				sameDocument(relay, space);
			}
		})
	);

	test.each(seeds([51, 52, 53]))('merged as the relay merges what it stored, the pieces still make the whole space (seed %i)', (seed) =>
		withNetwork(4, seed, (network) => {
			applyRandomTests(network, operations, 400);
			const space = writtenSpace(network.docs);
			const pieces = framesFor(Y.encodeStateAsUpdate(space), 1024, true).map((frame) => readFrame(frame).update);
			expect(pieces.length).toBeGreaterThan(4);
			// The first piece stored alone, the ones after it merged together into one part.
			const relay = new Y.Doc();
			Y.applyUpdate(relay, pieces[0] as Uint8Array);
			Y.applyUpdate(relay, Y.mergeUpdates(pieces.slice(1)));
			expect(relay.store.pendingStructs).toBeNull();
			sameDocument(relay, space);
			const all = new Y.Doc();
			Y.applyUpdate(all, Y.mergeUpdates(pieces));
			sameDocument(all, space);
		})
	);

	test('cut a slice of time at a time, it gives the same frames', async () => {
		const space = withNetwork(3, 61, (network) => {
			applyRandomTests(network, operations, 400);
			return writtenSpace(network.docs);
		});
		const whole = Y.encodeStateAsUpdate(space);
		for (const asStep2 of [true, false]) {
			const frames = await framesInSlices(whole, 1024, asStep2);
			expect(frames.length).toBeGreaterThan(4);
			expect(frames).toEqual(framesFor(whole, 1024, asStep2));
		}
	});

	test('a local change as sync updates only, and a small one as one frame', () => {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => updates.push(update));
		doc.getText('minutes').insert(0, 'Assemblée générale. '.repeat(2000));
		doc.getArray('ledger').push(Array.from({ length: 500 }, (_, n) => ({ label: `ligne ${n}`, cents: n })));
		const big = Y.mergeUpdates(updates);
		const frames = framesFor(big, 2048, false).map(readFrame);
		expect(frames.length).toBeGreaterThan(10);
		expect(frames.every((frame) => frame.kind === SYNC_UPDATE)).toBe(true);
		const other = new Y.Doc();
		for (const { update } of frames) Y.applyUpdate(other, update);
		sameDocument(other, doc);

		const small = framesFor(Y.encodeStateAsUpdate(new Y.Doc()), 2048, true).map(readFrame);
		expect(small.map((frame) => frame.kind)).toEqual([SYNC_STEP2]);
	});
});
