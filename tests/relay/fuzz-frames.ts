/**
 * Hostile frames for the fuzz test, from a seeded generator so that a failure can be
 * replayed: random bytes, truncated varints, lengths that run past the frame, invalid
 * Yjs updates and state vectors inside valid sync envelopes, unknown message types,
 * garbage awareness, empty frames.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { bool, bytes as randomBytes, int, pick, string, type Gen } from '../../src/lib/testing/random.js';

export type Frame = Uint8Array | string;

function message(...parts: Array<number | Uint8Array>): Uint8Array {
	const encoder = encoding.createEncoder();
	for (const part of parts) {
		if (typeof part === 'number') encoding.writeVarUint(encoder, part);
		else encoding.writeVarUint8Array(encoder, part);
	}
	return encoding.toUint8Array(encoder);
}

/** Valid updates of a document unrelated to the attacked room's data, to mutilate. */
function sampleUpdates(): Uint8Array[] {
	const doc = new Y.Doc();
	// Fixed ids: the same seed gives the same frames.
	doc.clientID = 424242;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	doc.getText('other').insert(0, 'fuzzing text');
	doc.getArray('list').push([1, 'two', { three: 3 }, new Uint8Array([4])]);
	doc.getMap('map').set('key', { nested: [true, null] });
	doc.getText('other').delete(2, 3);
	doc.getXmlFragment('xml').push([new Y.XmlElement('p')]);
	return updates;
}

export function createFrameGenerator(gen: Gen): () => Frame {
	const samples = sampleUpdates();
	const bytes = (max: number): Uint8Array => randomBytes(gen, int(gen, 0, max));
	const sample = (): Uint8Array => pick(gen, samples);

	const mutilate = (update: Uint8Array): Uint8Array => {
		const copy = update.slice();
		const flips = int(gen, 1, 4);
		for (let n = 0; n < flips && copy.length > 0; n++) {
			copy[int(gen, 0, copy.length - 1)] = int(gen, 0, 255);
		}
		return copy;
	};

	const kinds: Array<() => Frame> = [
		() => bytes(256),
		() => new Uint8Array(0),
		// Varints whose continuation bit never stops.
		() => new Uint8Array([...(bool(gen) ? [0] : []), ...new Uint8Array(int(gen, 1, 12)).fill(0xff)]),
		// A declared length far past the end of the frame.
		() => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			encoding.writeVarUint(encoder, int(gen, 0, 2));
			encoding.writeVarUint(encoder, int(gen, 1000, 2 ** 31));
			encoding.writeUint8Array(encoder, bytes(64));
			return encoding.toUint8Array(encoder);
		},
		// Sync step 2 or update with noise, a truncated update, or a mutilated one.
		() => message(0, int(gen, 1, 2), bytes(200)),
		() => {
			const update = sample();
			return message(0, 2, update.subarray(0, int(gen, 0, update.length - 1)));
		},
		() => message(0, int(gen, 1, 2), mutilate(sample())),
		// Sync step 1 with a state vector that is not one.
		() => message(0, 0, bytes(40)),
		// Unknown message types and sync sub-types.
		() => message(int(gen, 4, 1000), bytes(30)),
		() => message(2, bytes(30)),
		() => message(0, int(gen, 3, 100), bytes(30)),
		// Awareness: noise, a huge entry count, a state that is not JSON.
		() => message(1, bytes(100)),
		() => message(1, message(int(gen, 1000, 2 ** 30), 1, 1)),
		() => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 1);
			encoding.writeVarUint(encoder, int(gen, 0, 2 ** 31));
			encoding.writeVarUint(encoder, int(gen, 0, 100));
			encoding.writeVarString(encoder, string(gen, 1, 20));
			return message(1, encoding.toUint8Array(encoder));
		},
		// Query awareness with trailing garbage, and text frames.
		() => new Uint8Array([3, ...bytes(20)]),
		() => string(gen, 0, 50)
	];
	return () => pick(gen, kinds)();
}

/** A query-awareness message: whatever the relay answers proves the socket was kept. */
export const QUERY_AWARENESS = new Uint8Array([3]);
