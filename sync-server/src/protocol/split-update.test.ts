import { describe, expect, test } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { clientId, generator, int, pick, real, seeds, string } from '../../../src/lib/testing/random.js';
import { splitUpdate as pieces } from './split-update.js';

const splitUpdate = (update: Uint8Array, maxBytes: number): Uint8Array[] => [...pieces(update, maxBytes)];

/** A document touched by three clients: text with emoji, lists, maps, XML, deletions. */
function busyDoc(seed: number): Y.Doc {
	const gen = generator(seed);
	const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
	for (const doc of docs) doc.clientID = clientId(gen);
	for (let step = 0; step < 120; step++) {
		const doc = pick(gen, docs);
		const text = doc.getText('minutes');
		const list = doc.getArray<unknown>('ledger');
		switch (int(gen, 0, 6)) {
			case 0:
				text.insert(
					int(gen, 0, text.length),
					`${string(gen, 1, 400)} 🚲 ${'é'.repeat(int(gen, 0, 30))}`
				);
				break;
			case 1:
				if (text.length > 10) text.delete(int(gen, 0, text.length - 5), 4);
				break;
			case 2:
				list.push(
					Array.from({ length: int(gen, 1, 40) }, (_, n) => ({ n, note: string(gen, 0, 30), ok: n % 2 === 0 }))
				);
				break;
			case 3:
				if (list.length > 3) list.delete(int(gen, 0, list.length - 3), 2);
				break;
			case 4:
				doc.getMap('resources').set(`r${int(gen, 0, 20)}`, { kg: real(gen), tags: ['a', null, 3] });
				break;
			case 5: {
				const nested = new Y.Map<unknown>();
				nested.set('bytes', new Uint8Array([1, 2, 3]));
				doc.getArray<Y.Map<unknown>>('nested').push([nested]);
				break;
			}
			default: {
				const element = new Y.XmlElement('p');
				element.insert(0, [new Y.XmlText('hello')]);
				doc.getXmlFragment('page').push([element]);
			}
		}
		if (int(gen, 0, 5) === 0) {
			const other = pick(gen, docs);
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
		}
	}
	const all = new Y.Doc();
	for (const doc of docs) Y.applyUpdate(all, Y.encodeStateAsUpdate(doc));
	return all;
}

function contents(doc: Y.Doc): unknown {
	return {
		minutes: doc.getText('minutes').toString(),
		ledger: doc.getArray('ledger').toJSON(),
		resources: doc.getMap('resources').toJSON(),
		nested: doc.getArray('nested').toJSON(),
		page: doc.getXmlFragment('page').toString()
	};
}

function applyInOrder(chunks: Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	for (const chunk of chunks) Y.applyUpdate(doc, chunk);
	return doc;
}

describe('splitUpdate', () => {
	test('leaves a small update whole', () => {
		const update = Y.encodeStateAsUpdate(busyDoc(1));
		expect(splitUpdate(update, update.byteLength)).toEqual([update]);
	});

	// PASSERELLE_SEED replays one seed, with the smallest pieces.
	test.each(seeds([1, 2, 3, 4]).map((seed, n) => [seed, [64, 300, 1000, 4096][n % 4]!] as const))('pieces applied in order give the same document (seed %i, %i bytes)', (seed, maxBytes) => {
		const source = busyDoc(seed);
		const update = Y.encodeStateAsUpdate(source);
		const chunks = splitUpdate(update, maxBytes);
		expect(chunks.length).toBeGreaterThan(1);
		for (const chunk of chunks) {
			// Each piece is a valid update by itself…
			expect(() => Y.decodeUpdate(chunk)).not.toThrow();
		}
		// …and all of them make the whole document, deletions included.
		const rebuilt = applyInOrder(chunks);
		expect(contents(rebuilt)).toEqual(contents(source));
		expect(Y.equalSnapshots(Y.snapshot(rebuilt), Y.snapshot(source))).toBe(true);
		expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(source));
	});

	test('cuts long items between units, so pieces stay near the size asked for', () => {
		const doc = new Y.Doc();
		// One transaction each: a single long text item and a single long list item.
		doc.getText('t').insert(0, 'passerelle 🚲 '.repeat(20_000));
		doc.getArray('a').push(Array.from({ length: 20_000 }, (_, n) => ({ n, who: 'member' })));
		doc.getArray('j').push(['x'.repeat(100)]);
		const update = Y.encodeStateAsUpdate(doc);
		const chunks = splitUpdate(update, 16 * 1024);
		expect(chunks.length).toBeGreaterThan(update.byteLength / (16 * 1024));
		for (const chunk of chunks) expect(chunk.byteLength).toBeLessThan(16 * 1024 + 64);
		const rebuilt = applyInOrder(chunks);
		expect(rebuilt.getText('t').toString()).toBe(doc.getText('t').toString());
		expect(rebuilt.getArray('a').toJSON()).toEqual(doc.getArray('a').toJSON());
	});

	test('a diff for a client that has part of the document splits too', () => {
		const doc = busyDoc(5);
		const behind = new Y.Doc();
		const half = Y.encodeStateAsUpdate(doc);
		Y.applyUpdate(behind, half);
		doc.getText('minutes').insert(0, 'later '.repeat(3000));
		doc.getArray('ledger').delete(0, 1);
		const diff = Y.diffUpdate(Y.encodeStateAsUpdate(doc), Y.encodeStateVector(behind));
		for (const chunk of splitUpdate(diff, 500)) Y.applyUpdate(behind, chunk);
		expect(contents(behind)).toEqual(contents(doc));
	});
});

describe('splitUpdate on crafted structs', () => {
	/** One string item per writer, each naming the other's as its origin: a cycle Yjs never writes. */
	function cycle(text: string): Uint8Array {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 2);
		for (const [client, other] of [
			[7, 8],
			[8, 7]
		] as const) {
			encoding.writeVarUint(encoder, 1);
			encoding.writeVarUint(encoder, client);
			encoding.writeVarUint(encoder, 0);
			encoding.writeUint8(encoder, 0x80 | 4);
			encoding.writeVarUint(encoder, other);
			encoding.writeVarUint(encoder, 0);
			encoding.writeVarString(encoder, text);
		}
		encoding.writeVarUint(encoder, 0);
		return encoding.toUint8Array(encoder);
	}

	test('a cycle of origins is sent as it came, without looping', () => {
		const update = cycle('x'.repeat(50));
		const chunks = splitUpdate(update, 60);
		expect(chunks.length).toBe(2);
		const structs = chunks.flatMap((chunk) => Y.decodeUpdate(chunk).structs);
		expect(structs.map((struct) => struct.id.client)).toEqual([7, 8]);
		const doc = new Y.Doc();
		for (const chunk of chunks) Y.applyUpdate(doc, chunk);
		expect(doc.store.pendingStructs).not.toBeNull();
	});
});
