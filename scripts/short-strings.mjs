/**
 * Opening a space decodes its whole stored copy, and every map key and text
 * of the document is a string read by lib0's `readVarString`. In a browser that
 * is one `TextDecoder.decode` call per string: a call into the engine that
 * costs far more than the few bytes it decodes. A two-year-old space holds
 * hundreds of thousands of them, and on a slow phone those calls were a third
 * of the time to open it. Writing the whole space (a file export, a backup) is
 * the same in the other direction: one `TextEncoder.encodeInto` per string,
 * and on a slow phone those calls were half of an export's time.
 *
 * The build swaps lib0's reader for one that reads a short string whose bytes
 * are all ASCII (every key the app writes, most values) without that call, and
 * hands anything else to the same decoder as before. ASCII bytes are valid
 * UTF-8 and decode to the same characters, so the result is identical, errors
 * included. Its writer likewise writes a short ASCII string's characters as its
 * bytes, which is what UTF-8 makes of them, and hands anything else to the
 * encoder.
 */

/** The line of lib0/decoding.js that picks its string reader. */
export const READER_LINE = 'export const readVarString = string.utf8TextDecoder ? _readVarStringNative : _readVarStringPolyfill';

/** Longer strings go to the decoder: past a few dozen bytes its call costs less than the loop. */
export const SHORT = 64;

const READER = `export const readVarString = string.utf8TextDecoder
  ? (decoder) => {
      const bytes = readVarUint8Array(decoder)
      const length = bytes.length
      if (length <= ${SHORT}) {
        let i = 0
        while (i < length && bytes[i] < 128) i++
        if (i === length) return String.fromCharCode.apply(null, bytes)
      }
      return string.utf8TextDecoder.decode(bytes)
    }
  : _readVarStringPolyfill`;

/** The line of lib0/encoding.js that picks its string writer. */
export const WRITER_LINE =
	'export const writeVarString = (string.utf8TextEncoder && /** @type {any} */ (string.utf8TextEncoder).encodeInto) ? _writeVarStringNative : _writeVarStringPolyfill';

const WRITER = `export const writeVarString = (string.utf8TextEncoder && /** @type {any} */ (string.utf8TextEncoder).encodeInto)
  ? (encoder, str) => {
      const length = str.length
      if (length <= ${SHORT}) {
        let i = 0
        while (i < length && str.charCodeAt(i) < 128) i++
        if (i === length) {
          writeVarUint(encoder, length)
          for (let j = 0; j < length; j++) write(encoder, str.charCodeAt(j))
          return
        }
      }
      _writeVarStringNative(encoder, str)
    }
  : _writeVarStringPolyfill`;

/** lib0/decoding.js with the faster reader, or null when the source no longer has the line to replace. */
export function withShortStrings(source) {
	if (!source.includes(READER_LINE)) return null;
	return source.replace(READER_LINE, READER);
}

/** lib0/encoding.js with the faster writer, or null when the source no longer has the line to replace. */
export function withShortStringWriter(source) {
	if (!source.includes(WRITER_LINE)) return null;
	return source.replace(WRITER_LINE, WRITER);
}

const DECODING = /[\\/]lib0[\\/]decoding\.js$/;
const ENCODING = /[\\/]lib0[\\/]encoding\.js$/;

/** The Vite plugin. A lib0 whose reader moved fails the build rather than silently losing the gain. */
export function shortStrings() {
	return {
		name: 'passerelle-short-strings',
		enforce: 'pre',
		transform(code, id) {
			const path = id.split('?')[0];
			const [change, what] = DECODING.test(path)
				? [withShortStrings, 'reader']
				: ENCODING.test(path)
					? [withShortStringWriter, 'writer']
					: [null, ''];
			if (!change) return null;
			const changed = change(code);
			if (changed === null) this.error(`${id}: the string ${what} line was not found; check what lib0 changed`);
			return { code: changed, map: null };
		}
	};
}
