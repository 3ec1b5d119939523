// Yjs updates (format v1) written by hand, the way a hostile member could: one item at
// the start of a root type, holding a value nested `depth` levels deep. Written without
// recursion, since lib0 and JSON.stringify would overflow the stack writing them.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Struct content kinds, as Yjs numbers them. */
const CONTENT_JSON = 2;
const CONTENT_EMBED = 5;
const CONTENT_FORMAT = 6;
const CONTENT_ANY = 8;
const CONTENT_DOC = 9;

/** One item, parent given by root name, at clock 0 of `client`; no deletions. */
function oneItemUpdate(client: number, root: string, kind: number, writeContent: (e: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1); // one client
	encoding.writeVarUint(encoder, 1); // one struct
	encoding.writeVarUint(encoder, client);
	encoding.writeVarUint(encoder, 0); // clock
	encoding.writeUint8(encoder, kind); // no origins: the parent follows
	encoding.writeVarUint(encoder, 1); // parent given by name
	encoding.writeVarString(encoder, root);
	writeContent(encoder);
	encoding.writeVarUint(encoder, 0); // empty delete set
	return encoding.toUint8Array(encoder);
}

/** A lib0 "any" value: `depth` arrays (or objects) one inside the other, null at the core. */
export function writeDeepAny(encoder: encoding.Encoder, depth: number, shape: 'array' | 'object' = 'array'): void {
	for (let level = 0; level < depth; level++) {
		if (shape === 'array') {
			encoding.writeUint8(encoder, 117);
			encoding.writeVarUint(encoder, 1);
		} else {
			encoding.writeUint8(encoder, 118);
			encoding.writeVarUint(encoder, 1);
			encoding.writeVarString(encoder, 'a');
		}
	}
	encoding.writeUint8(encoder, 126);
}

/** JSON text nested `depth` levels: arrays, or objects with a string key holding brackets. */
export function deepJson(depth: number, shape: 'array' | 'object' = 'array'): string {
	if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth);
	return '{"[\\"":'.repeat(depth) + '0' + '}'.repeat(depth);
}

/** A ContentAny item in the root array `root` holding one deeply nested value. */
export function deepAnyUpdate(client: number, depth: number, shape: 'array' | 'object' = 'array', root = 'deep'): Uint8Array {
	return oneItemUpdate(client, root, CONTENT_ANY, (encoder) => {
		encoding.writeVarUint(encoder, 1);
		writeDeepAny(encoder, depth, shape);
	});
}

/** A ContentJSON item (what Y.Array held before ContentAny) holding these JSON texts. */
export function jsonUpdate(client: number, texts: string[], root = 'deep'): Uint8Array {
	return oneItemUpdate(client, root, CONTENT_JSON, (encoder) => {
		encoding.writeVarUint(encoder, texts.length);
		for (const text of texts) encoding.writeVarString(encoder, text);
	});
}

/** A ContentJSON item holding one deep JSON text. */
export function deepJsonUpdate(client: number, depth: number, shape: 'array' | 'object' = 'array', root = 'deep'): Uint8Array {
	return jsonUpdate(client, [deepJson(depth, shape)], root);
}

/** An embed in the root text `root`, its JSON nested `depth` levels. */
export function deepEmbedUpdate(client: number, depth: number, root = 'deep-text'): Uint8Array {
	return oneItemUpdate(client, root, CONTENT_EMBED, (encoder) => encoding.writeVarString(encoder, deepJson(depth)));
}

/** A formatting attribute in the root text `root`, its value nested `depth` levels. */
export function deepFormatUpdate(client: number, depth: number, root = 'deep-text'): Uint8Array {
	return oneItemUpdate(client, root, CONTENT_FORMAT, (encoder) => {
		encoding.writeVarString(encoder, 'bold');
		encoding.writeVarString(encoder, deepJson(depth));
	});
}

/** A subdocument in the root array `root`, its options nested `depth` levels. */
export function deepSubdocUpdate(client: number, depth: number, root = 'deep'): Uint8Array {
	return oneItemUpdate(client, root, CONTENT_DOC, (encoder) => {
		encoding.writeVarString(encoder, 'c0ffee');
		encoding.writeUint8(encoder, 118); // the options: an object…
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarString(encoder, 'meta'); // …whose one entry is deep
		writeDeepAny(encoder, depth - 1);
	});
}

/** A real document's update: `depth` maps, each inside the one before, under the root map `root`. */
export function nestedMapsUpdate(depth: number, root = 'deep-maps'): Uint8Array {
	const doc = new Y.Doc();
	doc.transact(() => {
		let map = doc.getMap<unknown>(root);
		for (let level = 1; level < depth; level++) {
			const inner = new Y.Map<unknown>();
			map.set('inner', inner);
			map = inner;
		}
		map.set('leaf', 'end');
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}
