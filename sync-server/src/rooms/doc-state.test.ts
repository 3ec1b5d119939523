import { describe, expect, test } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { DocState, FOLD_AFTER_DELETED_CLOCKS, MERGE_AFTER_PARTS } from './doc-state.js';
import { inlineMerger, summaryOfMerged, WorkerMerger, type UpdateMerger } from './merger.js';
import { readSummaryInSlices } from '../protocol/delete-set.js';
import { inspectUpdate, InvalidUpdateError } from '../protocol/update-info.js';
import { bool, clientId, generator, int, pick, replayAsync, seeds, shuffle } from '../../../src/lib/testing/random.js';

/** Collects every update a doc emits, one per transaction. */
function recorder(doc: Y.Doc): Uint8Array[] {
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	return updates;
}

/** Adds an update as the room does once it is stored: with the next sequence number. */
async function add(state: DocState, update: Uint8Array): Promise<boolean> {
	const info = inspectUpdate(update);
	if (state.addsNothing(info)) return false;
	await state.add(update, info, state.seq + 1);
	return true;
}

const svOf = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc));

/** The inline merger, counting the merges, diffs and inspections asked of it. */
function countingMerger(): UpdateMerger & { merges: number } {
	const counting = {
		merges: 0,
		merge: async (updates: Uint8Array[], options?: Parameters<UpdateMerger['merge']>[1]) => {
			counting.merges += 1;
			return inlineMerger.merge(updates, options);
		},
		diff: async (updates: Uint8Array[], sv: Uint8Array) => {
			counting.merges += 1;
			return inlineMerger.diff(updates, sv);
		},
		inspect: async (updates: Uint8Array[]) => {
			counting.merges += 1;
			return inlineMerger.inspect(updates);
		},
		close: async () => {}
	};
	return counting;
}

async function restore(state: DocState): Promise<Y.Doc> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, await state.diff(new Uint8Array([0])));
	return doc;
}

describe('inspectUpdate', () => {
	test('reports clock ranges per client and whether the update deletes', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		doc.getText('t').insert(0, 'abc');
		doc.getText('t').insert(3, 'de');
		doc.getText('t').delete(0, 1);
		expect(inspectUpdate(updates[1]!).clients.get(doc.clientID)).toEqual({ from: 3, to: 5, contiguous: true });
		expect(inspectUpdate(updates[1]!).hasDeletions).toBe(false);
		const deletion = inspectUpdate(updates[2]!);
		expect(deletion.clients.size).toBe(0);
		expect(deletion.hasDeletions).toBe(true);
	});

	test('sees the hole in a merge of non-adjacent updates', () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b', 'c']) doc.getArray('l').push([word]);
		const gapped = Y.mergeUpdates([updates[0]!, updates[2]!]);
		expect(inspectUpdate(gapped).clients.get(doc.clientID)).toMatchObject({ from: 0, to: 3, contiguous: false });
	});

	test('throws InvalidUpdateError on bytes that are not an update', () => {
		expect(() => inspectUpdate(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(InvalidUpdateError);
		expect(() => inspectUpdate(new Uint8Array([]))).toThrow(InvalidUpdateError);
	});

	test('a merge in the background keeps the updates that arrive meanwhile', async () => {
		let release = (): void => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		// A merger that holds every merge until the test lets it go, like a busy worker.
		const slow: UpdateMerger = {
			...inlineMerger,
			merge: async (updates) => {
				await gate;
				return Y.mergeUpdates(updates);
			}
		};
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const count = MERGE_AFTER_PARTS + 50;
		for (let n = 0; n < count; n++) doc.getArray('l').push([n]);
		const state = new DocState(slow);
		// Past MERGE_AFTER_PARTS parts a background merge starts, and waits at the gate…
		for (const update of updates) await add(state, update);
		expect(state.stateVector().get(doc.clientID)).toBe(count);
		release();
		expect((await restore(state)).getArray('l').toArray()).toEqual(doc.getArray('l').toArray());
	});
});

describe('WorkerMerger', () => {
	test('a whole document merges small, dropping overwritten values; a part keeps what it builds on', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (let n = 0; n < 500; n++) doc.getMap('m').set('k', `value ${n}`);
		const whole = await inlineMerger.merge(updates);
		const structural = Y.mergeUpdates(updates);
		expect(whole.byteLength).toBeLessThan(structural.byteLength / 10);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, whole);
		expect(copy.getMap('m').get('k')).toBe('value 499');
		// The last 100 on their own build on earlier values: merged as a part, none is lost.
		const tail = await inlineMerger.merge(updates.slice(400), { part: true });
		const rebuilt = new Y.Doc();
		Y.applyUpdate(rebuilt, await inlineMerger.merge([Y.mergeUpdates(updates.slice(0, 400)), tail]));
		expect(rebuilt.getMap('m').get('k')).toBe('value 499');
		expect(svOf(rebuilt)).toEqual(svOf(doc));
	});

	test('merges, diffs and reads state vectors on a worker thread like on this one', async () => {
		const merger = new WorkerMerger({ inlineBelowBytes: 0 });
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (let n = 0; n < 50; n++) doc.getText('t').insert(0, `line ${n}\n`);
		const behind = Y.encodeStateVector(new Y.Doc());
		try {
			expect(await merger.merge(updates)).toEqual(await inlineMerger.merge(updates));
			expect((await merger.diff(updates, behind)).diff).toEqual((await inlineMerger.diff(updates, behind)).diff);
			const inspected = await merger.inspect(updates);
			expect(inspected.stateVector).toEqual(svOf(doc));
			expect(inspected.highest).toEqual(svOf(doc));
			// A job that fails in the worker fails alone; the next one works.
			await expect(merger.merge([new Uint8Array([9, 9, 9]), new Uint8Array([1])])).rejects.toThrow();
			expect(await merger.merge(updates.slice(0, 2))).toEqual(Y.mergeUpdates(updates.slice(0, 2)));
		} finally {
			await merger.close();
		}
		await expect(merger.merge(updates)).rejects.toThrow(/closed/);
	});
});

describe('a merge through a document', () => {
	const sorted = (entries: Iterable<[number, number, number]>) => [...entries].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

	test('knows what a walk over its bytes would read: the ends of every writer and every deletion', async () => {
		const worker = new WorkerMerger({ inlineBelowBytes: 0, backgroundInlineBelowBytes: 0 });
		try {
			for (const seed of seeds(Array.from({ length: 20 }, (_, i) => i + 1))) {
				const rng = generator(seed);
				const docs = Array.from({ length: int(rng, 1, 3) }, () => new Y.Doc());
				const updates: Uint8Array[] = [];
				for (const doc of docs) doc.clientID = clientId(rng);
				for (const doc of docs) doc.on('update', (update: Uint8Array) => updates.push(update));
				const steps = int(rng, 2, 200);
				for (let n = 0; n < steps; n++) {
					const doc = pick(rng, docs);
					if (bool(rng, 0.5)) doc.getMap('m').set(`k${int(rng, 0, 20)}`, `v${n}`);
					else if (bool(rng, 0.5)) doc.getArray<number>('a').insert(0, [n]);
					else if (doc.getArray('a').length > 0) doc.getArray('a').delete(0, 1);
					if (bool(rng, 0.2)) for (const other of docs) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
				}
				for (const merger of [inlineMerger, worker]) {
					const merged = await merger.merge(shuffle(rng, [...updates]));
					const known = summaryOfMerged(merged);
					const walked = await readSummaryInSlices(merged);
					expect(known, `seed ${seed}`).toBeDefined();
					expect(new Map(known!.ends)).toEqual(walked.ends);
					const deletions = known!.deletions === null ? [] : sorted((await readSummaryInSlices(known!.deletions)).deletions.entries());
					expect(deletions).toEqual(sorted(walked.deletions.entries()));
				}
			}
		} finally {
			await worker.close();
		}
	});

	test('of updates that wait for a missing one, or of a part merged struct by struct, claims nothing', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (let n = 0; n < 5; n++) doc.getArray<number>('a').insert(0, [n]);
		expect(summaryOfMerged(await inlineMerger.merge([updates[0]!, updates[2]!]))).toBeUndefined();
		expect(summaryOfMerged(await inlineMerger.merge(updates.slice(2), { part: true }))).toBeUndefined();
	});
});

describe('DocState', () => {
	test('keeps the same state vector as the document, one update at a time', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const state = new DocState();
		for (let n = 0; n < 20; n++) doc.getArray('l').push([n]);
		for (const update of updates) await add(state, update);
		expect(new Map(state.stateVector())).toEqual(svOf(doc));
		expect(state.encodedStateVector()).toEqual(Y.encodeStateVector(doc));
	});

	test('skips what adds nothing, a deletion it already holds included', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		doc.getText('t').insert(0, 'hello');
		doc.getText('t').delete(0, 1);
		doc.getText('t').delete(0, 1);
		const state = new DocState();
		expect(await add(state, updates[0]!)).toBe(true);
		expect(await add(state, updates[0]!)).toBe(false);
		expect(await add(state, new Uint8Array([0, 0]))).toBe(false);
		expect(await add(state, updates[1]!)).toBe(true);
		expect(await add(state, updates[1]!)).toBe(false);
		// The whole document: known structs, and one deletion among them that is news.
		expect(await add(state, Y.encodeStateAsUpdate(doc))).toBe(true);
		expect(await add(state, Y.encodeStateAsUpdate(doc))).toBe(false);
		expect((await restore(state)).getText('t').toString()).toBe('llo');
		// Loaded from what it stored, it reads the deletions it holds from the parts.
		const loaded = await DocState.load([Y.encodeStateAsUpdate(doc)]);
		expect(loaded.addsNothing(inspectUpdate(updates[2]!))).toBe(true);
	});

	test('answers a device holding part of the room with each held part’s diff, merging nothing', async () => {
		const writers = [new Y.Doc(), new Y.Doc()];
		writers.forEach((writer, n) => (writer.clientID = [3, 2 ** 30][n]!));
		const behind = new Y.Doc();
		for (let round = 0; round < 20; round++) {
			for (const writer of writers) {
				writer.getArray<string>('log').insert(0, [`${writer.clientID} says ${round} `.repeat(4)]);
				for (const other of writers) Y.applyUpdate(other, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(other)));
			}
			if (round === 9) Y.applyUpdate(behind, Y.encodeStateAsUpdate(writers[0]!));
		}
		const space = writers[0]!;
		const calls = { merge: 0, diff: 0 };
		const merger: UpdateMerger = {
			...inlineMerger,
			merge: async (updates, options) => {
				calls.merge += 1;
				return inlineMerger.merge(updates, options);
			},
			diff: async (updates, sv) => {
				calls.diff += 1;
				return inlineMerger.diff(updates, sv);
			}
		};
		const state = await DocState.load([Y.encodeStateAsUpdate(space)], merger);
		const later = recorder(space);
		space.getArray<string>('log').delete(0, 3);
		space.getArray<string>('log').push(['later']);
		for (const update of later) await add(state, update);
		calls.merge = 0;
		const frames = await state.answerFor(Y.encodeStateVector(behind), 256);
		// The deletion-only update needs no diff: the device holds all it touches.
		expect(calls).toEqual({ merge: 0, diff: 2 });
		expect(frames.length).toBeGreaterThan(3);
		for (const frame of frames) {
			const decoder = decoding.createDecoder(frame);
			expect([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]).toEqual([0, 2]);
			Y.applyUpdate(behind, decoding.readVarUint8Array(decoder));
			expect(behind.store.pendingStructs).toBeNull();
		}
		expect(behind.getArray('log').toJSON()).toEqual(space.getArray('log').toJSON());
		// A device holding everything gets no struct, only the deletions, and costs no diff.
		const upToDate = await state.answerFor(Y.encodeStateVector(space), 256);
		expect(calls).toEqual({ merge: 0, diff: 2 });
		const deleted = new Y.Doc();
		Y.applyUpdate(deleted, Y.encodeStateAsUpdate(space));
		for (const frame of upToDate) {
			const decoder = decoding.createDecoder(frame);
			decoding.readVarUint(decoder);
			decoding.readVarUint(decoder);
			const update = decoding.readVarUint8Array(decoder);
			expect(Y.decodeUpdate(update).structs).toHaveLength(0);
			Y.applyUpdate(deleted, update);
		}
		expect(upToDate.length).toBeGreaterThan(0);
		expect(deleted.getArray('log').toJSON()).toEqual(space.getArray('log').toJSON());
		// The deletions it sends are the room's: a device missing them gets them.
		const undeleted = new Y.Doc();
		Y.applyUpdate(undeleted, Y.encodeStateAsUpdate(writers[1]!));
		Y.applyUpdate(undeleted, later[1]!);
		expect(undeleted.getArray('log').length).toBe(space.getArray('log').length + 3);
		for (const frame of await state.answerFor(Y.encodeStateVector(undeleted), 256)) {
			const decoder = decoding.createDecoder(frame);
			decoding.readVarUint(decoder);
			decoding.readVarUint(decoder);
			Y.applyUpdate(undeleted, decoding.readVarUint8Array(decoder));
		}
		expect(undeleted.getArray('log').toJSON()).toEqual(space.getArray('log').toJSON());
	});

	test.each(seeds([21, 22, 23]))('a device left behind at any point catches up exactly, whatever merges the room made meanwhile (seed %i)', async (seed) => {
		const rng = generator(seed);
		const writers = [new Y.Doc(), new Y.Doc()];
		writers.forEach((writer) => (writer.clientID = clientId(rng)));
		const written = writers.map(recorder);
		const state = await DocState.load([]);
		const left: Y.Doc[] = [];
		const catchUp = async (device: Y.Doc) => {
			for (const frame of await state.answerFor(Y.encodeStateVector(device), 256)) {
				const decoder = decoding.createDecoder(frame);
				decoding.readVarUint(decoder);
				decoding.readVarUint(decoder);
				Y.applyUpdate(device, decoding.readVarUint8Array(decoder));
			}
		};
		for (let step = 0; step < 600; step++) {
			const n = int(rng, 0, 1);
			const writer = writers[n]!;
			const list = writer.getArray<number>('list');
			if (bool(rng, 0.4) && list.length > 0) list.delete(int(rng, 0, list.length - 1), 1);
			else if (bool(rng, 0.5)) writer.getMap('m').set(`k${int(rng, 0, 9)}`, step);
			else list.insert(0, [step]);
			for (const update of written[n]!.splice(0)) await add(state, update);
			const other = writers[1 - n]!;
			Y.applyUpdate(other, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(other)));
			written[1 - n]!.length = 0;
			if (bool(rng, 0.05)) {
				const copy = new Y.Doc();
				Y.applyUpdate(copy, Y.encodeStateAsUpdate(writer));
				left.push(copy);
			}
			// The room merges as it does between messages: all through a document, or (when a
			// device catches up) the parts after the first among themselves.
			if (bool(rng, 0.01)) await state.compact();
			if (bool(rng, 0.03) && left.length > 0) await catchUp(pick(rng, left));
		}
		const whole = writers[0]!;
		// A device holding every struct and missing only deletions spread over more parts than
		// the room keeps apart: it gets them from the merge of those parts, without a diff.
		whole.getArray<number>('list').push(Array.from({ length: 20 }, (_, i) => i));
		for (const update of written[0]!.splice(0)) await add(state, update);
		const holder = new Y.Doc();
		Y.applyUpdate(holder, Y.encodeStateAsUpdate(whole));
		left.push(holder);
		for (let i = 0; i < 20; i++) whole.getArray('list').delete(whole.getArray('list').length - 1, 1);
		for (const update of written[0]!.splice(0)) await add(state, update);
		for (const device of left) {
			await catchUp(device);
			expect(device.getArray('list').toJSON(), `seed ${seed}`).toEqual(whole.getArray('list').toJSON());
			expect(device.getMap('m').toJSON()).toEqual(whole.getMap('m').toJSON());
			expect(svOf(device)).toEqual(svOf(whole));
		}
	});

	test('answers every new device from one cut of the document, extended by what came since', async () => {
		const writers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
		writers.forEach((writer, n) => (writer.clientID = [7, 2 ** 30, 99][n]!));
		for (let round = 0; round < 30; round++) {
			for (const writer of writers) {
				writer.getArray<string>('log').insert(0, [`${writer.clientID} says ${round} `.repeat(4)]);
				for (const other of writers) Y.applyUpdate(other, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(other)));
			}
		}
		const space = writers[0]!;
		const merger = countingMerger();
		const state = await DocState.load([Y.encodeStateAsUpdate(space)], merger);
		const mergesAfterLoad = merger.merges;
		const rebuilt = (frames: Uint8Array[]): Y.Doc => {
			const doc = new Y.Doc();
			for (const frame of frames) {
				const decoder = decoding.createDecoder(frame);
				expect([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]).toEqual([0, 2]);
				Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
				expect(doc.store.pendingStructs).toBeNull();
			}
			return doc;
		};

		const first = await state.freshAnswer(512);
		expect(first.length).toBeGreaterThan(5);
		const second = await state.freshAnswer(512);
		// The very same frames, and no merge for either.
		second.forEach((frame, n) => expect(frame).toBe(first[n]));
		expect(merger.merges).toBe(mergesAfterLoad);
		expect(rebuilt(second).getArray('log').toJSON()).toEqual(space.getArray('log').toJSON());

		// An update since: the same frames, then the update's own.
		const later = recorder(space);
		space.getArray<string>('log').push(['later']);
		await add(state, later[0]!);
		const third = await state.freshAnswer(512);
		expect(third).toHaveLength(first.length + 1);
		first.forEach((frame, n) => expect(third[n]).toBe(frame));
		expect(merger.merges).toBe(mergesAfterLoad);
		expect(rebuilt(third).getArray('log').toJSON()).toEqual(space.getArray('log').toJSON());

		// Many updates since: they are merged among themselves once, the first part's frames kept.
		for (let n = 0; n < 20; n++) space.getArray<string>('log').push([`even later ${n}`]);
		for (const update of later.slice(1)) await add(state, update);
		const fourth = await state.freshAnswer(512);
		expect(merger.merges).toBe(mergesAfterLoad + 1);
		first.forEach((frame, n) => expect(fourth[n]).toBe(frame));
		expect(fourth.length).toBeLessThan(first.length + 5);
		expect(rebuilt(fourth).getArray('log').toJSON()).toEqual(space.getArray('log').toJSON());
	});

	test('answers a new device without the content that later parts deleted, once they delete much', async () => {
		const space = new Y.Doc();
		const history = space.getArray<Y.Map<unknown>>('activity');
		space.transact(() => {
			for (let i = 0; i < 3000; i++) {
				const record = new Y.Map<unknown>();
				record.set('summary', `Record ${i}, written long enough to weigh something`);
				record.set('at', i);
				history.push([record]);
			}
		});
		const merger = countingMerger();
		const state = await DocState.load([Y.encodeStateAsUpdate(space)], merger);
		const whole = (await state.freshAnswer(4096)).reduce((sum, frame) => sum + frame.byteLength, 0);
		const rebuilt = (frames: Uint8Array[]): Y.Doc => {
			const doc = new Y.Doc();
			for (const frame of frames) {
				const decoder = decoding.createDecoder(frame);
				decoding.readVarUint(decoder);
				decoding.readVarUint(decoder);
				Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
			}
			return doc;
		};
		const summaries = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('activity').map((record) => record.get('summary'));

		// A few removals: answered from the parts as they are, with no merge.
		const later = recorder(space);
		history.delete(0, 2);
		await add(state, later[0]!);
		const merges = merger.merges;
		expect(state.deletedAfterFirst).toBeGreaterThan(0);
		expect(state.deletedAfterFirst).toBeLessThan(FOLD_AFTER_DELETED_CLOCKS);
		const few = await state.freshAnswer(4096);
		expect(merger.merges).toBe(merges);
		expect(summaries(rebuilt(few))).toEqual(summaries(space));

		// Most of the history moved away: the room is merged through a document first, and
		// the answer no longer carries what was removed.
		history.delete(0, 2500);
		await add(state, later[1]!);
		const lighter = await state.freshAnswer(4096);
		expect(merger.merges).toBe(merges + 1);
		expect(state.deletedAfterFirst).toBe(0);
		const lighterBytes = lighter.reduce((sum, frame) => sum + frame.byteLength, 0);
		expect(lighterBytes).toBeLessThan(whole * 0.3);
		expect(summaries(rebuilt(lighter))).toEqual(summaries(space));
		expect(summaries(space)).toHaveLength(498);

		// A device that held the space before asks for what it lacks: the same folded room.
		const before = new Y.Doc();
		Y.applyUpdate(before, Y.encodeStateAsUpdate(space));
		const frames = await state.answerFor(Y.encodeStateVector(before), 4096);
		for (const frame of frames) {
			const decoder = decoding.createDecoder(frame);
			decoding.readVarUint(decoder);
			decoding.readVarUint(decoder);
			Y.applyUpdate(before, decoding.readVarUint8Array(decoder));
		}
		expect(summaries(before)).toEqual(summaries(space));
	});

	test('counts the deletions of a stored log read back, and folds them before answering', async () => {
		const space = new Y.Doc();
		const history = space.getArray<string>('activity');
		history.push(Array.from({ length: 20_000 }, (_, i) => `entry ${i}`));
		const snapshot = Y.encodeStateAsUpdate(space);
		const stateVector = Y.encodeStateVector(space);
		const later = recorder(space);
		history.delete(0, 19_000);
		const state = await DocState.fromStored({
			snapshot: { data: snapshot, seqUpto: 1, stateVector },
			updates: [{ seq: 2, data: later[0]! }]
		});
		expect(state.deletedAfterFirst).toBe(19_000);
		const answer = await state.freshAnswer(64 * 1024);
		const bytes = answer.reduce((sum, frame) => sum + frame.byteLength, 0);
		expect(bytes).toBeLessThan(snapshot.byteLength / 4);
	});

	test('does not claim structs past a hole until the hole is filled', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b', 'c']) doc.getArray('l').push([word]);
		const state = new DocState();
		await add(state, updates[0]!);
		await add(state, updates[2]!);
		expect(state.stateVector().get(doc.clientID)).toBe(1);
		// The relay still holds the later update: a duplicate of it is not "nothing new".
		expect(await add(state, updates[1]!)).toBe(true);
		expect(state.stateVector().get(doc.clientID)).toBe(3);
		expect((await restore(state)).getArray('l').toArray()).toEqual(['a', 'b', 'c']);
	});

	test('answers a client with exactly what it misses', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		doc.getMap('m').set('a', 1);
		const behind = new Y.Doc();
		Y.applyUpdate(behind, Y.encodeStateAsUpdate(doc));
		doc.getMap('m').set('b', 2);
		const state = await DocState.load(updates);
		Y.applyUpdate(behind, await state.diff(Y.encodeStateVector(behind)));
		expect(behind.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
	});

	test.each(seeds([1, 2, 3, 4, 5]))('converges with updates of three clients in shuffled order (seed %i)', (seed) =>
		replayAsync(seed, async (gen) => {
			const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
			const all: Uint8Array[] = [];
			for (const doc of docs) {
				doc.clientID = clientId(gen);
				doc.on('update', (update: Uint8Array) => all.push(update));
			}
			for (let step = 0; step < 150; step++) {
				const doc = pick(gen, docs);
				const list = doc.getArray<number>('l');
				if (list.length > 0 && bool(gen)) list.delete(int(gen, 0, list.length - 1), 1);
				else list.insert(int(gen, 0, list.length), [step]);
				// Sometimes a client catches up with another, as over a second path.
				if (int(gen, 0, 9) === 0) {
					const other = pick(gen, docs);
					Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
				}
			}
			const reference = new Y.Doc();
			for (const update of all) Y.applyUpdate(reference, update);
			const shuffled = shuffle(gen, all);
			const state = new DocState();
			for (const update of shuffled) await add(state, update);
			expect(new Map(state.stateVector())).toEqual(svOf(reference));
			expect((await restore(state)).getArray('l').toArray()).toEqual(reference.getArray('l').toArray());
			// Loading the same updates from storage gives the same state.
			expect((await DocState.load(shuffled)).encodedStateVector()).toEqual(state.encodedStateVector());
		})
	);

	test('a merge in the background keeps the updates that arrive meanwhile', async () => {
		let release = (): void => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		// A merger that holds every merge until the test lets it go, like a busy worker.
		const slow: UpdateMerger = {
			...inlineMerger,
			merge: async (updates) => {
				await gate;
				return Y.mergeUpdates(updates);
			}
		};
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const count = MERGE_AFTER_PARTS + 50;
		for (let n = 0; n < count; n++) doc.getArray('l').push([n]);
		const state = new DocState(slow);
		// Past MERGE_AFTER_PARTS parts a background merge starts, and waits at the gate…
		for (const update of updates) await add(state, update);
		expect(state.stateVector().get(doc.clientID)).toBe(count);
		release();
		expect((await restore(state)).getArray('l').toArray()).toEqual(doc.getArray('l').toArray());
	});

	test('a merge in the background starts once the parts not yet merged are many', async () => {
		let merges = 0;
		const counting: UpdateMerger = {
			...inlineMerger,
			merge: async (updates, options) => {
				merges += 1;
				expect(options?.background).toBe(true);
				return Y.mergeUpdates(updates);
			}
		};
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (let n = 0; n < MERGE_AFTER_PARTS; n++) doc.getArray('l').push([n]);
		const state = new DocState(counting);
		for (const update of updates) await add(state, update);
		// Lazily: a thousand small edits do not cost a thousand-part room four merges.
		expect(merges).toBe(0);
		doc.getArray('l').push(['one more']);
		await add(state, updates.at(-1)!);
		expect(merges).toBe(1);
	});

	test('past many small parts beside a heavier merged one, only the small ones are merged in the background', async () => {
		const merged: number[] = [];
		const counting: UpdateMerger = {
			...inlineMerger,
			merge: async (updates, options) => {
				// Without the snapshot, the small parts build on structs they do not hold.
				if (options?.background) merged.push(options.part ? updates.length : -updates.length);
				return inlineMerger.merge(updates, options);
			}
		};
		const doc = new Y.Doc();
		// A big history first, stored as one snapshot…
		doc.getText('t').insert(0, 'x'.repeat(200_000));
		const state = await DocState.load([Y.encodeStateAsUpdate(doc)], counting, 1);
		const updates = recorder(doc);
		// …then more small edits than the background threshold.
		for (let n = 0; n <= MERGE_AFTER_PARTS; n++) doc.getMap('m').set('k', n);
		for (const update of updates) await add(state, update);
		// The merge took the small parts only (all but the last, which came after it
		// started), not the snapshot with them.
		await expect.poll(() => merged).toEqual([MERGE_AFTER_PARTS]);
		expect((await restore(state)).getMap('m').get('k')).toBe(MERGE_AFTER_PARTS);
		expect((await restore(state)).getText('t').length).toBe(200_000);
	});

	test('gives a snapshot of what it holds, with the sequence number it reaches and its state vector', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b', 'c']) doc.getArray('l').push([word]);
		const state = new DocState();
		for (const update of updates) await add(state, update);
		const snapshot = await state.snapshot();
		expect(snapshot?.seq).toBe(3);
		expect(snapshot?.stateVector).toEqual(Y.encodeStateVector(doc));
		const copy = new Y.Doc();
		Y.applyUpdate(copy, snapshot!.data);
		expect(copy.getArray('l').toArray()).toEqual(['a', 'b', 'c']);
	});

	test('gives no snapshot once an update came out of sequence: it might miss a stored one', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b']) doc.getArray('l').push([word]);
		const state = new DocState();
		await state.add(updates[0]!, inspectUpdate(updates[0]!), 1);
		await state.add(updates[1]!, inspectUpdate(updates[1]!), 3);
		expect(await state.snapshot()).toBeNull();
	});

	test('gives a snapshot without state vector while it has a hole', async () => {
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (const word of ['a', 'b', 'c']) doc.getArray('l').push([word]);
		const state = new DocState();
		await add(state, updates[0]!);
		await add(state, updates[2]!);
		const snapshot = await state.snapshot();
		expect(snapshot?.seq).toBe(2);
		expect(snapshot?.stateVector).toBeNull();
	});

	test('loads a snapshot with its state vector and the log after it without merging', async () => {
		const counting = countingMerger();
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (let n = 0; n < 10; n++) doc.getMap('m').set(`k${n}`, n);
		const folded = Y.mergeUpdates(updates.slice(0, 7));
		const snapshotDoc = new Y.Doc();
		Y.applyUpdate(snapshotDoc, folded);
		const state = await DocState.fromStored(
			{
				snapshot: { seqUpto: 7, data: folded, stateVector: Y.encodeStateVector(snapshotDoc) },
				updates: updates.slice(7).map((data, i) => ({ seq: 8 + i, data }))
			},
			counting
		);
		expect(counting.merges).toBe(0);
		expect(state.seq).toBe(10);
		expect(state.encodedStateVector()).toEqual(Y.encodeStateVector(doc));
		expect((await restore(state)).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());

		// Without a stored state vector (a snapshot of an earlier version), the same by a merge.
		const merged = await DocState.fromStored(
			{ snapshot: { seqUpto: 7, data: folded, stateVector: null }, updates: [] },
			counting
		);
		expect(merged.encodedStateVector()).toEqual(Y.encodeStateVector(snapshotDoc));
		expect(merged.seq).toBe(7);
	});

	test('loads a short log with no snapshot without merging, and merges one with a hole', async () => {
		const counting = countingMerger();
		const doc = new Y.Doc();
		const updates = recorder(doc);
		for (let n = 0; n < 10; n++) doc.getMap('m').set(`k${n}`, n);
		const log = updates.map((data, i) => ({ seq: i + 1, data }));
		const state = await DocState.fromStored({ snapshot: null, updates: log }, counting);
		expect(counting.merges).toBe(0);
		expect(state.seq).toBe(10);
		expect(state.encodedStateVector()).toEqual(Y.encodeStateVector(doc));
		expect((await restore(state)).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());

		// The fourth update missing: the state vector stops before it, as a merge says.
		counting.merges = 0;
		const holed = await DocState.fromStored({ snapshot: null, updates: log.filter((u) => u.seq !== 4) }, counting);
		expect(counting.merges).toBeGreaterThan(0);
		const upToThird = new Y.Doc();
		for (const update of updates.slice(0, 3)) Y.applyUpdate(upToThird, update);
		expect(holed.encodedStateVector()).toEqual(Y.encodeStateVector(upToThird));
	});
});
