import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
	deepAnyUpdate,
	deepEmbedUpdate,
	deepFormatUpdate,
	deepJsonUpdate,
	deepSubdocUpdate,
	jsonUpdate,
	nestedMapsUpdate
} from '../../../tests/relay/deep-updates.js';
import { DocState, INSPECT_LOG_BELOW_BYTES } from '../rooms/doc-state.js';
import { inlineMerger } from '../rooms/merger.js';
import { splitUpdate } from './split-update.js';
import { inspectUpdate, InvalidUpdateError, TooDeepError } from './update-info.js';
import { checkUpdateNesting, MAX_NESTING } from './update-nesting.js';
import { DeleteSet } from './delete-set.js';
import { Reader, UnsplittableUpdateError } from './update-reader.js';
import { int, replay, seeds } from '../../../src/lib/testing/random.js';

const DEEP = 20_000;

/** What a device does with an update it receives, and later with its own document. */
function applyAndEncode(update: Uint8Array): void {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	Y.encodeStateAsUpdate(doc);
	doc.destroy();
}

describe('the crafted updates, on a device without the relay in front', () => {
	test('a deep plain value overflows Y.applyUpdate', () => {
		expect(() => applyAndEncode(deepAnyUpdate(7, DEEP))).toThrow(RangeError);
		expect(() => applyAndEncode(deepAnyUpdate(7, DEEP, 'object'))).toThrow(RangeError);
		expect(() => applyAndEncode(deepSubdocUpdate(7, DEEP))).toThrow(RangeError);
	});

	test('deep JSON content applies, and then the document can no longer be encoded', () => {
		for (const update of [deepJsonUpdate(7, DEEP), deepEmbedUpdate(7, DEEP), deepFormatUpdate(7, DEEP)]) {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, update);
			expect(() => Y.encodeStateAsUpdate(doc)).toThrow(RangeError);
			expect(() => Y.mergeUpdates([update, nestedMapsUpdate(2)])).toThrow(RangeError);
		}
	});

	test('thirty thousand nested maps apply, and deleting the outer one overflows', () => {
		const maps = nestedMapsUpdate(30_000);
		const doc = new Y.Doc();
		expect(() => Y.applyUpdate(doc, maps)).not.toThrow();
		expect(() => doc.getMap('deep-maps').delete('inner')).toThrow(RangeError);
	});
});

describe('checkUpdateNesting', () => {
	test('refuses deep plain values, JSON, embeds and formats, at the limit and far past it', () => {
		const deep = [
			deepAnyUpdate(7, DEEP),
			deepAnyUpdate(7, DEEP, 'object'),
			deepAnyUpdate(7, MAX_NESTING + 1),
			deepJsonUpdate(7, DEEP),
			deepJsonUpdate(7, DEEP, 'object'),
			deepJsonUpdate(7, MAX_NESTING + 1),
			deepEmbedUpdate(7, DEEP),
			deepFormatUpdate(7, DEEP),
			deepSubdocUpdate(7, DEEP),
			deepSubdocUpdate(7, MAX_NESTING + 1)
		];
		for (const update of deep) {
			expect(() => checkUpdateNesting(update)).toThrow(TooDeepError);
			expect(() => inspectUpdate(update)).toThrow(TooDeepError);
		}
	});

	test('accepts values up to the limit, and they apply', () => {
		for (const update of [
			deepAnyUpdate(7, MAX_NESTING),
			deepAnyUpdate(7, MAX_NESTING, 'object'),
			deepJsonUpdate(7, MAX_NESTING),
			deepJsonUpdate(7, MAX_NESTING, 'object'),
			deepEmbedUpdate(7, MAX_NESTING),
			deepFormatUpdate(7, MAX_NESTING),
			deepSubdocUpdate(7, MAX_NESTING)
		]) {
			expect(inspectUpdate(update).clients.get(7)).toEqual({ from: 0, to: 1, contiguous: true });
			applyAndEncode(update);
		}
	});

	test('brackets inside JSON strings do not count', () => {
		const texts = [
			JSON.stringify({ note: '[[[[{{{{'.repeat(100), quoted: '\\"[[[['.repeat(100) }),
			JSON.stringify(['"]]]]'.repeat(100), '\\'.repeat(10), '{'.repeat(100)]),
			'undefined'
		];
		const update = jsonUpdate(7, texts);
		expect(() => checkUpdateNesting(update)).not.toThrow();
		applyAndEncode(update);
		expect(() => checkUpdateNesting(deepJsonUpdate(7, MAX_NESTING, 'object'))).not.toThrow();
	});

	test('a chain of types created by one update is bounded; five maps deep is a normal document', () => {
		expect(() => inspectUpdate(nestedMapsUpdate(5))).not.toThrow();
		expect(() => inspectUpdate(nestedMapsUpdate(MAX_NESTING))).not.toThrow();
		expect(() => inspectUpdate(nestedMapsUpdate(MAX_NESTING + 1))).toThrow(TooDeepError);
		expect(() => inspectUpdate(nestedMapsUpdate(10_000))).toThrow(TooDeepError);
	});

	test('a chain continued through origins (entries overwritten, list items appended) is followed', () => {
		const doc = new Y.Doc();
		doc.transact(() => {
			let list = doc.getArray<unknown>('lists');
			for (let level = 0; level < MAX_NESTING + 5; level++) {
				// Each inner list comes after a plain item: its parent is known by origin only.
				list.push(['before']);
				const inner = new Y.Array<unknown>();
				list.push([inner]);
				list = inner;
			}
		});
		expect(() => checkUpdateNesting(Y.encodeStateAsUpdate(doc))).toThrow(TooDeepError);

		const maps = new Y.Doc();
		maps.transact(() => {
			let map = maps.getMap<unknown>('maps');
			for (let level = 0; level < MAX_NESTING + 5; level++) {
				map.set('inner', 'placeholder');
				const inner = new Y.Map<unknown>();
				map.set('inner', inner);
				map = inner;
			}
		});
		expect(() => checkUpdateNesting(Y.encodeStateAsUpdate(maps))).toThrow(TooDeepError);
	});

	test('real documents of the app’s shape pass, whole and edit by edit', () => {
		const doc = new Y.Doc();
		const edits: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => edits.push(update));
		const resources = doc.getMap<unknown>('resources');
		for (let i = 0; i < 50; i++) {
			const entry = new Y.Map<unknown>();
			entry.set('name', `Salle ${i}`);
			entry.set('tags', ['a', { b: [1, 2, { c: null }] }]);
			const slots = new Y.Array<Y.Map<unknown>>();
			const slot = new Y.Map<unknown>();
			slot.set('from', i);
			slots.push([slot]);
			entry.set('slots', slots);
			resources.set(`r${i}`, entry);
			if (i % 3 === 0) resources.delete(`r${i - 1}`);
		}
		doc.getText('notes').insert(0, 'Compte rendu 🚲', { bold: true });
		doc.getText('notes').insertEmbed(3, { image: { src: 'x', size: [1, 2] } });
		doc.getXmlFragment('page').push([new Y.XmlElement('p')]);
		for (const update of [Y.encodeStateAsUpdate(doc), ...edits]) expect(() => checkUpdateNesting(update)).not.toThrow();
	});

	test('damaged updates give one of the two refusals, never another error', () => {
		const doc = new Y.Doc();
		let map = doc.getMap<unknown>('m');
		for (let level = 0; level < 70; level++) {
			const inner = new Y.Map<unknown>();
			map.set(`k${level}`, inner);
			map.set('v', [{ a: [level] }, 'texte']);
			map = inner;
		}
		doc.getText('t').insert(0, 'bonjour', { bold: { deep: [1] } });
		const update = Y.encodeStateAsUpdate(doc);
		for (const seed of seeds([42])) {
			replay(seed, (gen) => {
				for (let round = 0; round < 3000; round++) {
					const damaged = update.slice(0, int(gen, 1, update.length));
					for (let flips = int(gen, 1, 4); flips > 0; flips--) {
						damaged[int(gen, 0, damaged.length - 1)] = int(gen, 0, 255);
					}
					try {
						checkUpdateNesting(damaged);
					} catch (error) {
						expect([TooDeepError, UnsplittableUpdateError]).toContain((error as Error).constructor);
					}
				}
			});
		}
	});

	test('malformed bytes are invalid, not too deep', () => {
		expect(() => inspectUpdate(new Uint8Array([1, 1, 7, 0, 8, 1, 1, 97, 1, 117, 5]))).toThrow(InvalidUpdateError);
		expect(() => inspectUpdate(new Uint8Array([1, 1, 7, 0, 31]))).toThrow(InvalidUpdateError);
	});
});

describe('the relay’s other readers, given a deep update', () => {
	test('the splitter skips a deep value without recursion', () => {
		const update = deepAnyUpdate(7, 200_000);
		const reader = new Reader(update);
		// Past the client run's header (4 bytes), the item's info byte, its parent (the name
		// 'deep', 6 bytes) and its count of values: the value itself.
		reader.pos = 12;
		reader.skipAny();
		expect(reader.pos).toBe(update.byteLength - 1);
		expect(() => [...splitUpdate(update, 16)]).not.toThrow();
	});

	test('a merge of a deep update that got past no check fails as a rejected promise', async () => {
		const state = await DocState.load([nestedMapsUpdate(3)], inlineMerger);
		const deep = deepJsonUpdate(9, DEEP);
		await state.add(deep, { clients: new Map([[9, { from: 0, to: 1, contiguous: true }]]), hasDeletions: false, deletions: new DeleteSet() }, 2);
		await expect(state.merged()).rejects.toThrow(RangeError);
	});

	test('stored log entries nested too deep are left out on load, small log or large', async () => {
		const doc = new Y.Doc();
		doc.getMap('resources').set('hall', { capacity: 80 });
		const normal = Y.encodeStateAsUpdate(doc);
		// Past the size from which the log is merged on load rather than read entry by entry.
		doc.getMap('resources').set('archive', 'x'.repeat(INSPECT_LOG_BELOW_BYTES));
		const seen = new Y.Doc();
		Y.applyUpdate(seen, normal);
		const large = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(seen));
		for (const log of [[normal], [normal, large]]) {
			const entries = [...log, deepJsonUpdate(9, DEEP), deepAnyUpdate(10, DEEP)].map((data, i) => ({ seq: i + 1, data }));
			const state = await DocState.fromStored({ snapshot: null, updates: entries }, inlineMerger);
			expect(state.leftOut).toBe(2);
			expect(state.seq).toBe(entries.length);
			const merged = new Y.Doc();
			Y.applyUpdate(merged, await state.merged());
			expect(merged.getMap('resources').get('hall')).toEqual({ capacity: 80 });
			expect(merged.getMap('resources').has('archive')).toBe(log.length === 2);
			expect(merged.getArray('deep').length).toBe(0);
		}
	});
});
