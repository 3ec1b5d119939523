/**
 * Bundles: a space's changes in a file, for a device or relay that no network
 * reaches (a USB stick, a chat attachment, a backup kept in a drawer).
 *
 *   magic "PSRB" · version · space tag (16) · key id (8)
 *   · sender's state vector · base vector · IV (12) · AES-GCM ciphertext
 *
 * The ciphertext holds a flag (deflated or not), an HMAC-SHA256 and the Yjs
 * update, deflated when that makes it smaller. Everything before the
 * ciphertext is its additional data, so no byte of a file can change unseen.
 *
 * - The space tag is a hash of the space id: a file says which space it is for
 *   without saying the id, so a device can refuse another space's file by name.
 * - The encryption key comes from the read secret, which every holder of the
 *   space has (members derive it from their secret): read-only devices read
 *   bundles too. The key id tells a file made before or after a key change.
 * - The HMAC key comes from the member secret, which only members hold: a
 *   member refuses a file that a member did not make. A read-only device
 *   writes zeros there; it cannot check the HMAC, only that a holder made it.
 * - The base vector is what the file was made against: "everything" is the
 *   empty vector, "what a device lacks" is that device's state vector.
 *
 * A bundle grants no access: opening one takes the keys a device gets from an
 * invite, so it can only go into a space that device already holds.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { applyAsReceived } from './apply-as-received';
import type { Access } from './invite';
import { deriveReadSecret } from './keys';

export const BUNDLE_VERSION = 1;
/** The file name's ending, and what the file picker asks for. */
export const BUNDLE_EXTENSION = '.passerelle';
const MAGIC = new Uint8Array([0x50, 0x53, 0x52, 0x42]); // "PSRB"
const TAG_BYTES = 16;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const MAC_BYTES = 32;
const GCM_TAG_BYTES = 16;
const RAW = 0;
const DEFLATED = 1;
/** The plaintext a holder will inflate at most: far above a large space, far below a browser's memory. */
const MAX_UPDATE_BYTES = 512 * 1024 * 1024;

const encoder = new TextEncoder();

/** Bytes WebCrypto and Blob take: over an ArrayBuffer, not a shared one. */
type Bytes = Uint8Array<ArrayBuffer>;

/** `bytes` itself when it already is, else a copy. */
function own(bytes: Uint8Array): Bytes {
	return bytes.buffer instanceof ArrayBuffer ? (bytes as Bytes) : new Uint8Array(bytes);
}

/** Why a file is not merged. */
export type BundleRefusal =
	/** Not a Passerelle file at all (or cut short before its header ends). */
	| 'not_a_bundle'
	/** Made by a newer version of the app. */
	| 'newer_format'
	/** A bundle of another space. */
	| 'other_space'
	/** This space, under a key it had before or after a change of keys. */
	| 'other_key'
	/** Changed or cut somewhere since it was made. */
	| 'damaged'
	/** Readable, but not made by a member: a member does not merge it. */
	| 'not_from_member';

/** What a device opens and seals bundles of one space with. */
export interface BundleKeys {
	readonly spaceTag: Bytes;
	readonly keyId: Bytes;
	readonly cipher: CryptoKey;
	/** Members only. */
	readonly member: CryptoKey | null;
}

export interface BundleHolder {
	id: string;
	/** The space's secret for a member, the read secret for a read-only device. */
	secret: string;
	access: Access;
}

async function hkdfBits(secret: string, spaceId: string, info: string, bytes: number): Promise<Bytes> {
	const key = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits(
		{ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(`passerelle:${spaceId}`), info: encoder.encode(info) },
		key,
		bytes * 8
	);
	return new Uint8Array(bits);
}

/** The tag a bundle of `spaceId` carries: the space, not its id. */
export async function spaceTag(spaceId: string): Promise<Bytes> {
	const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`passerelle bundle space v1:${spaceId}`));
	return new Uint8Array(digest).slice(0, TAG_BYTES);
}

export async function bundleKeys(holder: BundleHolder): Promise<BundleKeys> {
	const readSecret = holder.access === 'member' ? await deriveReadSecret(holder.secret, holder.id) : holder.secret;
	const cipherBits = await hkdfBits(readSecret, holder.id, 'passerelle bundle cipher v1', 32);
	const cipher = await crypto.subtle.importKey('raw', cipherBits, 'AES-GCM', false, ['encrypt', 'decrypt']);
	let member: CryptoKey | null = null;
	if (holder.access === 'member') {
		const macBits = await hkdfBits(holder.secret, holder.id, 'passerelle bundle member mac v1', 32);
		member = await crypto.subtle.importKey('raw', macBits, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
	}
	return {
		spaceTag: await spaceTag(holder.id),
		keyId: await hkdfBits(readSecret, holder.id, 'passerelle bundle key id v1', KEY_ID_BYTES),
		cipher,
		member
	};
}

async function through(bytes: Bytes, stream: CompressionStream | DecompressionStream): Promise<Bytes> {
	const piped = new Blob([bytes]).stream().pipeThrough(stream);
	return new Uint8Array(await new Response(piped).arrayBuffer());
}

function concat(...parts: Uint8Array[]): Bytes {
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
	return diff === 0;
}

const EMPTY_VECTOR = Y.encodeStateVector(new Y.Doc());

/**
 * A bundle of `doc`: everything, or, given a device's state vector, only what
 * that device lacks.
 */
export async function exportBundle(doc: Y.Doc, keys: BundleKeys, base?: Uint8Array): Promise<Bytes> {
	const baseVector = base ?? EMPTY_VECTOR;
	const update = own(Y.encodeStateAsUpdate(doc, baseVector));
	const senderVector = Y.encodeStateVector(doc);
	const deflated = await through(update, new CompressionStream('deflate-raw'));
	const [flag, payload] = deflated.length < update.length ? [DEFLATED, deflated] : [RAW, update];

	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const header = encoding.createEncoder();
	encoding.writeUint8Array(header, MAGIC);
	encoding.writeVarUint(header, BUNDLE_VERSION);
	encoding.writeUint8Array(header, keys.spaceTag);
	encoding.writeUint8Array(header, keys.keyId);
	encoding.writeVarUint8Array(header, senderVector);
	encoding.writeVarUint8Array(header, baseVector);
	encoding.writeUint8Array(header, iv);
	const additional = encoding.toUint8Array(header);

	const body = concat(new Uint8Array([flag]), payload);
	const mac = keys.member
		? new Uint8Array(await crypto.subtle.sign('HMAC', keys.member, concat(additional, body)))
		: new Uint8Array(MAC_BYTES);
	const plain = concat(body.subarray(0, 1), mac, body.subarray(1));
	const sealed = new Uint8Array(
		await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additional }, keys.cipher, plain)
	);
	return concat(additional, sealed);
}

export interface BundleHeader {
	version: number;
	spaceTag: Uint8Array;
	keyId: Uint8Array;
	senderVector: Uint8Array;
	baseVector: Uint8Array;
	iv: Uint8Array;
	/** Where the ciphertext starts. */
	headerLength: number;
}

export type HeaderResult = { ok: true; header: BundleHeader } | { ok: false; reason: 'not_a_bundle' | 'newer_format' | 'damaged' };

/** The clear part of a file, read without any key (e.g. to name the space a file belongs to). */
export function readBundleHeader(bytes: Uint8Array): HeaderResult {
	if (bytes.length < MAGIC.length + 1 || !equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)) {
		return { ok: false, reason: 'not_a_bundle' };
	}
	try {
		const decoder = decoding.createDecoder(bytes);
		decoding.readUint8Array(decoder, MAGIC.length);
		const version = decoding.readVarUint(decoder);
		if (version > BUNDLE_VERSION) return { ok: false, reason: 'newer_format' };
		if (version !== BUNDLE_VERSION) return { ok: false, reason: 'damaged' };
		const spaceTag = decoding.readUint8Array(decoder, TAG_BYTES);
		const keyId = decoding.readUint8Array(decoder, KEY_ID_BYTES);
		const senderVector = decoding.readVarUint8Array(decoder);
		const baseVector = decoding.readVarUint8Array(decoder);
		const iv = decoding.readUint8Array(decoder, IV_BYTES);
		// lib0 reads past the end as zeros or undefined rather than failing: check the lengths read.
		if (decoder.pos + GCM_TAG_BYTES + 1 + MAC_BYTES > bytes.length) return { ok: false, reason: 'damaged' };
		Y.decodeStateVector(senderVector);
		Y.decodeStateVector(baseVector);
		return { ok: true, header: { version, spaceTag, keyId, senderVector, baseVector, iv, headerLength: decoder.pos } };
	} catch {
		return { ok: false, reason: 'damaged' };
	}
}

export type OpenResult =
	| {
			ok: true;
			update: Uint8Array;
			header: BundleHeader;
			/** Whether a member made it; null on a read-only device, which cannot tell. */
			fromMember: boolean | null;
	  }
	| { ok: false; reason: BundleRefusal };

/** Checks and opens a file, changing nothing. */
export async function openBundle(file: Uint8Array, keys: BundleKeys): Promise<OpenResult> {
	const bytes = own(file);
	const read = readBundleHeader(bytes);
	if (!read.ok) return read;
	const { header } = read;
	if (!equalBytes(header.spaceTag, keys.spaceTag)) return { ok: false, reason: 'other_space' };
	if (!equalBytes(header.keyId, keys.keyId)) return { ok: false, reason: 'other_key' };
	const additional = bytes.subarray(0, header.headerLength);
	let plain: Bytes;
	try {
		plain = new Uint8Array(
			await crypto.subtle.decrypt(
				{ name: 'AES-GCM', iv: own(header.iv), additionalData: additional },
				keys.cipher,
				bytes.subarray(header.headerLength)
			)
		);
	} catch {
		return { ok: false, reason: 'damaged' };
	}
	if (plain.length < 1 + MAC_BYTES) return { ok: false, reason: 'damaged' };
	const flag = plain[0] as number;
	const mac = plain.subarray(1, 1 + MAC_BYTES);
	const payload = plain.subarray(1 + MAC_BYTES);
	let fromMember: boolean | null = null;
	if (keys.member) {
		fromMember = await crypto.subtle.verify('HMAC', keys.member, mac, concat(additional, plain.subarray(0, 1), payload));
		if (!fromMember) return { ok: false, reason: 'not_from_member' };
	}
	let update: Uint8Array;
	if (flag === RAW) update = payload;
	else if (flag === DEFLATED) {
		try {
			update = await through(payload, new DecompressionStream('deflate-raw'));
		} catch {
			return { ok: false, reason: 'damaged' };
		}
	} else return { ok: false, reason: 'damaged' };
	if (update.length > MAX_UPDATE_BYTES) return { ok: false, reason: 'damaged' };
	// Not decoded here: past the tag and the HMAC the update is a holder's own, and decoding a large
	// space twice (here, then to merge it) would cost a phone a second or more.
	return { ok: true, update, header, fromMember };
}

export interface ImportReport {
	/** Changes new to this device: insertions and deletions it did not have. */
	added: number;
	/** Changes held back until earlier ones arrive (the file was made against a state this device lacks). */
	waiting: number;
}

export type ImportResult = ({ ok: true } & ImportReport) | { ok: false; reason: BundleRefusal };

function clockUnits(vector: Map<number, number>, before: Map<number, number>): number {
	let sum = 0;
	for (const [client, clock] of vector) sum += Math.max(0, clock - (before.get(client) ?? 0));
	return sum;
}

function pendingUnits(doc: Y.Doc): number {
	const pending = doc.store.pendingStructs;
	if (!pending) return 0;
	// Yjs keeps what waits in its second update format.
	const { from, to } = Y.parseUpdateMetaV2(pending.update);
	let sum = 0;
	for (const [client, end] of to) sum += end - (from.get(client) ?? 0);
	return sum;
}

/**
 * Checks, opens and merges a file into `doc`. Nothing is applied unless every
 * check passes. `origin` marks the merge's transaction, so that the relay
 * provider sends it on like any change it did not receive itself.
 */
export async function importBundle(doc: Y.Doc, bytes: Uint8Array, keys: BundleKeys, origin: unknown): Promise<ImportResult> {
	const opened = await openBundle(bytes, keys);
	if (!opened.ok) return opened;
	const before = Y.decodeStateVector(Y.encodeStateVector(doc));
	let deleted = 0;
	const count = (transaction: Y.Transaction): void => {
		if (transaction.origin !== origin) return;
		for (const ranges of transaction.deleteSet.clients.values()) for (const range of ranges) deleted += range.len;
	};
	doc.on('afterTransaction', count);
	try {
		// A file mostly new to this device is kept and sent on as it is; one holding much the
		// device has already is applied as usual, so that only what it adds is stored and sent.
		if (mostlyNew(opened.header, before)) applyAsReceived(doc, opened.update, origin);
		else Y.applyUpdate(doc, opened.update, origin);
	} catch {
		return { ok: false, reason: 'damaged' };
	} finally {
		doc.off('afterTransaction', count);
	}
	return { ok: true, added: clockUnits(Y.decodeStateVector(Y.encodeStateVector(doc)), before) + deleted, waiting: pendingUnits(doc) };
}

/** Whether at least nine tenths of what a file holds (by its header's vectors) is new to a device at `held`. */
function mostlyNew(header: BundleHeader, held: Map<number, number>): boolean {
	const sender = Y.decodeStateVector(header.senderVector);
	const base = Y.decodeStateVector(header.baseVector);
	let carried = 0;
	let fresh = 0;
	for (const [client, clock] of sender) {
		const from = base.get(client) ?? 0;
		carried += Math.max(0, clock - from);
		fresh += Math.max(0, clock - Math.max(from, held.get(client) ?? 0));
	}
	return fresh * 10 >= carried * 9;
}

/** A device's state vector as a short text it can show (and another device paste): base64url. */
export function vectorCode(vector: Uint8Array): string {
	let binary = '';
	for (const byte of vector) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The state vector a code stands for, or null when the text is not one. */
export function parseVectorCode(code: string): Uint8Array | null {
	const text = code.replace(/\s+/g, '');
	if (text === '' || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
	try {
		const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
		const vector = Uint8Array.from(binary, (char) => char.charCodeAt(0));
		const decoder = decoding.createDecoder(vector);
		const clients = decoding.readVarUint(decoder);
		if (clients > vector.length) return null;
		for (let i = 0; i < clients; i++) {
			decoding.readVarUint(decoder);
			decoding.readVarUint(decoder);
		}
		if (decoder.pos !== vector.length) return null;
		return vector;
	} catch {
		return null;
	}
}
