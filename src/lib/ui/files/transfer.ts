/**
 * Sync by file on a device: writing a space's bundle, and merging one with a
 * report or a refusal in the reader's words. The checks themselves are in
 * sync/bundle.ts; here is what the person sees of them.
 */
import * as Y from 'yjs';
import * as m from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import {
	BUNDLE_EXTENSION,
	bundleKeys,
	exportBundle,
	importBundle,
	readBundleHeader,
	spaceTag,
	type BundleHolder,
	type BundleKeys,
	type BundleRefusal,
	type ImportReport,
	vectorCode
} from '$lib/sync/bundle';
import { FILE_ORIGIN } from '$lib/sync/pending';
import { fileSlug } from '$lib/ui/download';

/** What a phone is asked to read into memory at most: a large space's whole file is a few megabytes. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;


const keysBySecret = new Map<string, Promise<BundleKeys>>();

/** Keys derive once per secret: a rotation gives new ones. */
export function keysOf(holder: BundleHolder): Promise<BundleKeys> {
	const cacheKey = `${holder.id}:${holder.access}:${holder.secret}`;
	let keys = keysBySecret.get(cacheKey);
	if (!keys) keysBySecret.set(cacheKey, (keys = bundleKeys(holder)));
	return keys;
}

export function bundleFileName(spaceName: string, now: Date): string {
	const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
	return `${fileSlug(spaceName)}-${day}${BUNDLE_EXTENSION}`;
}

export function formatBytes(bytes: number): string {
	const [value, unit] =
		bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : bytes >= 1024 ? [bytes / 1024, 'kilobyte'] : [bytes, 'byte'];
	return new Intl.NumberFormat(getLocale(), { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

export async function writeBundle(doc: Y.Doc, holder: BundleHolder, base?: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
	return exportBundle(doc, await keysOf(holder), base);
}

export type FileRefusal = BundleRefusal | 'too_big' | 'unreadable';

export type FileOutcome = ({ ok: true } & ImportReport) | { ok: false; reason: FileRefusal; otherSpace?: string };

/**
 * Merges a file into `doc` (the space `holder` opens). A file of another space
 * this device holds is named, so the person knows where to take it.
 */
export async function mergeFile(
	doc: Y.Doc,
	holder: BundleHolder,
	bytes: Uint8Array,
	otherSpaces: readonly { id: string; name: string }[]
): Promise<FileOutcome> {
	if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: 'too_big' };
	const result = await importBundle(doc, bytes, await keysOf(holder), FILE_ORIGIN);
	if (result.ok || result.reason !== 'other_space') return result;
	const found = await spaceOfFile(bytes, otherSpaces);
	return found.ok ? { ...result, otherSpace: found.space.name } : result;
}

/**
 * Which of `spaces` a file belongs to, from the tag in its header (which names a space only
 * to a device that knows the space's id). Nothing is decrypted or checked beyond the header.
 */
export async function spaceOfFile<S extends { id: string }>(
	bytes: Uint8Array,
	spaces: readonly S[]
): Promise<{ ok: true; space: S } | { ok: false; reason: FileRefusal | 'not_held' }> {
	if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: 'too_big' };
	const header = readBundleHeader(bytes);
	if (!header.ok) return { ok: false, reason: header.reason };
	for (const space of spaces) {
		const tag = await spaceTag(space.id);
		if (tag.every((byte, i) => byte === header.header.spaceTag[i])) return { ok: true, space };
	}
	return { ok: false, reason: 'not_held' };
}

/** The sentence for a refused file. */
export function refusalSentence(reason: FileRefusal, otherSpace?: string): string {
	switch (reason) {
		case 'not_a_bundle':
			return m.files_refused_not_a_bundle();
		case 'newer_format':
			return m.files_refused_newer_format();
		case 'other_space':
			return otherSpace ? m.files_refused_other_space_named({ name: otherSpace }) : m.files_refused_other_space();
		case 'other_key':
			return m.files_refused_other_key();
		case 'damaged':
			return m.files_refused_damaged();
		case 'not_from_member':
			return m.files_refused_not_from_member();
		case 'too_big':
			return m.files_refused_too_big({ size: formatBytes(MAX_FILE_BYTES) });
		case 'unreadable':
			return m.files_refused_unreadable();
	}
}

/** The sentences of a merged file's report. */
export function reportSentences(report: ImportReport): string[] {
	if (report.added === 0 && report.waiting === 0) return [m.files_import_nothing_new()];
	const out = [m.files_import_report({ added: report.added, waiting: report.waiting })];
	if (report.waiting > 0) out.push(m.files_import_waiting_help());
	if (report.added > 0) out.push(m.files_import_relay());
	return out;
}

/**
 * Calls `show` with the code of what `doc` holds once `loaded` resolves, then a moment after
 * each run of changes settles (a large import is one change, typing is many). Returns the
 * unsubscriber.
 */
export function watchDeviceCode(doc: Y.Doc, loaded: Promise<void>, show: (code: string) => void, settleMs = 300): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	const refresh = () => {
		clearTimeout(timer);
		timer = setTimeout(() => show(vectorCode(Y.encodeStateVector(doc))), settleMs);
	};
	void loaded.then(() => {
		if (!stopped) refresh();
	});
	doc.on('update', refresh);
	return () => {
		stopped = true;
		clearTimeout(timer);
		doc.off('update', refresh);
	};
}
