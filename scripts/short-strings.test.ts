import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { bool, generator, int } from '../src/lib/testing/random';
import { READER_LINE, SHORT, WRITER_LINE, withShortStringWriter, withShortStrings } from './short-strings.mjs';

// The module the app build resolves `lib0/decoding` to (its `import` condition).
const lib0 = fileURLToPath(new URL('../node_modules/lib0/', import.meta.url));
const source = readFileSync(join(lib0, 'decoding.js'), 'utf8');
const encodingSource = readFileSync(join(lib0, 'encoding.js'), 'utf8');

/** A lib0 module as the build makes it, loaded beside the rest of lib0. */
async function built<T>(name: string, changed: string | null): Promise<T> {
	if (changed === null) throw new Error('not transformed');
	const absolute = changed.replace(/from '\.\/([\w.-]+)'/g, (_all, file: string) => `from '${pathToFileURL(join(lib0, file)).href}'`);
	const file = join(mkdtempSync(join(tmpdir(), 'short-strings-')), `${name}.mjs`);
	writeFileSync(file, absolute);
	return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as T;
}

const builtDecoding = () => built<typeof decoding>('decoding', withShortStrings(source));
const builtEncoding = () => built<typeof encoding>('encoding', withShortStringWriter(encodingSource));

/** What each reader makes of `bytes` as a length-prefixed string: the text, or the error's kind. */
function readWith(reader: typeof decoding, bytes: Uint8Array): string {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint8Array(encoder, bytes);
	try {
		return `ok:${reader.readVarString(reader.createDecoder(encoding.toUint8Array(encoder)))}`;
	} catch (error) {
		return `error:${(error as Error).name}`;
	}
}

describe('the build’s reader of short strings', () => {
	it('finds the line it replaces in the lib0 the app is built with', () => {
		expect(source).toContain(READER_LINE);
		expect(withShortStrings('export const other = 1')).toBeNull();
	});

	it('reads every string as lib0 does, errors included', async () => {
		const built = await builtDecoding();
		const rng = generator(14);
		const alphabet = ['a', 'Z', '0', ':', '{', '"', 'é', 'è', 'ß', '€', '中', '🚲', ' ', '\u0000', '\u007f'];
		const cases: Uint8Array[] = [new Uint8Array(), new Uint8Array([0xff]), new Uint8Array([0x61, 0xc3]), new Uint8Array([0xed, 0xa0, 0x80])];
		for (let i = 0; i < 2000; i++) {
			const length = int(rng, 0, SHORT * 2);
			let text = '';
			for (let j = 0; j < length; j++) text += bool(rng, 0.9) ? String.fromCharCode(int(rng, 0, 127)) : alphabet[int(rng, 0, alphabet.length - 1)];
			cases.push(new TextEncoder().encode(text));
		}
		// Damaged bytes in short strings: what is not ASCII still reaches the decoder, which refuses it.
		for (let i = 0; i < 500; i++) cases.push(Uint8Array.from({ length: int(rng, 1, SHORT) }, () => int(rng, 0, 255)));
		for (const bytes of cases) expect(readWith(built, bytes)).toBe(readWith(decoding, bytes));
	});
});

describe('the build’s writer of short strings', () => {
	it('finds the line it replaces in the lib0 the app is built with', () => {
		expect(encodingSource).toContain(WRITER_LINE);
		expect(withShortStringWriter('export const other = 1')).toBeNull();
	});

	it('writes every string byte for byte as lib0 does, alone and inside any value', async () => {
		const builtWriter = await builtEncoding();
		const rng = generator(15);
		const alphabet = ['a', 'Z', '0', ':', '{', '"', 'é', 'ß', '€', '中', '🚲', ' ', '\u0000', '\u007f', '\ud800', '\udfff'];
		const texts = ['', 'x'.repeat(SHORT), 'x'.repeat(SHORT + 1), 'é'.repeat(SHORT)];
		for (let i = 0; i < 2000; i++) {
			const length = int(rng, 0, SHORT * 2);
			let text = '';
			for (let j = 0; j < length; j++) text += bool(rng, 0.9) ? String.fromCharCode(int(rng, 0, 127)) : alphabet[int(rng, 0, alphabet.length - 1)];
			texts.push(text);
		}
		for (const text of texts) {
			const ours = builtWriter.createEncoder();
			const theirs = encoding.createEncoder();
			builtWriter.writeVarString(ours, text);
			encoding.writeVarString(theirs, text);
			// Ledger entries are written as JSON-like values: the writer is reached through writeAny too.
			builtWriter.writeAny(ours, { [text]: [text, 1] });
			encoding.writeAny(theirs, { [text]: [text, 1] });
			expect(builtWriter.toUint8Array(ours)).toEqual(encoding.toUint8Array(theirs));
		}
	});

});
