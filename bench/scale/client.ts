/**
 * A member's device in Node: joins through an invite link over the real relay
 * with the member's token, as a browser would, and writes a generated space
 * into its document.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';
import { archiveOldRecords, type ArchivePass } from '../../src/lib/sync/archive-run';
import { generateSpace, SIZES, type Generated } from './generate';

export interface Member {
	doc: Y.Doc;
	spaceId: string;
	/** Waits until the socket has handed every queued byte to the network. */
	drained(timeoutMs: number): Promise<boolean>;
	destroy(): void;
}

/** Connects to the space's room, or to its sub-room `<spaceId>.<part>` (the history archive). */
async function connect(origin: string, invite: string, doc: Y.Doc, part?: string): Promise<{ provider: WebsocketProvider; spaceId: string }> {
	const parsed = parseInvite(invite);
	if (!parsed.ok) throw new Error(`the invite link does not parse: ${invite}`);
	const { spaceId, secret } = parsed.invite;
	const url = `${origin.replace(/^http/, 'ws')}/sync`;
	const provider = new WebsocketProvider(url, part ? `${spaceId}.${part}` : spaceId, doc, {
		params: { token: await deriveRelayToken(secret, spaceId) },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	return { provider, spaceId };
}

function synced(provider: WebsocketProvider, timeoutMs: number): Promise<void> {
	if (provider.synced) return Promise.resolve();
	return new Promise((done, fail) => {
		const timer = setTimeout(() => fail(new Error(`no sync with the relay within ${timeoutMs / 1000} s`)), timeoutMs);
		provider.once('sync', () => {
			clearTimeout(timer);
			done();
		});
	});
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function joinAsMember(origin: string, invite: string, timeoutMs: number): Promise<Member> {
	const doc = new Y.Doc();
	const { provider, spaceId } = await connect(origin, invite, doc);
	await synced(provider, timeoutMs);
	return {
		doc,
		spaceId,
		async drained(limitMs) {
			const deadline = Date.now() + limitMs;
			for (;;) {
				const socket = provider.ws as unknown as { bufferedAmount?: number } | null;
				if (socket && socket.bufferedAmount === 0) return true;
				if (Date.now() > deadline) return false;
				await pause(100);
			}
		},
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}

const DAY = 86_400_000;

/**
 * Writes the generated space into the member's document. The updates it sent
 * are kept under `cacheDir` (by size, seed, day and generator), after the
 * document as it was before: a later run on the same day replays them in the
 * same batches instead of generating again. The space the replay lands in
 * then also holds the first run's creation of its space and founder (one
 * member more, two records more), which the figures do not feel.
 */
export function generateInto(member: Member, size: 'small' | 'large', progress?: (message: string) => void, cacheDir?: string): Generated {
	const seed = 14;
	const end = Math.floor(Date.now() / DAY) * DAY - DAY;
	if (!cacheDir) return generateSpace(member.doc, SIZES[size], { progress, seed, end });
	const generator = createHash('sha256').update(readFileSync(join(import.meta.dirname, 'generate.ts'))).digest('hex').slice(0, 12);
	const base = join(cacheDir, `${size}-${seed}-${new Date(end).toISOString().slice(0, 10)}-${generator}`);
	if (existsSync(`${base}.json`) && existsSync(`${base}.bin`)) {
		const started = performance.now();
		const decoder = decoding.createDecoder(readFileSync(`${base}.bin`));
		let updates = 0;
		while (decoding.hasContent(decoder)) {
			Y.applyUpdate(member.doc, decoding.readVarUint8Array(decoder));
			updates++;
		}
		const generated = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Generated;
		progress?.(`replayed ${updates} cached updates from ${base}.bin`);
		return { ...generated, ms: performance.now() - started };
	}
	const encoder = encoding.createEncoder();
	encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(member.doc));
	const keep = (update: Uint8Array) => encoding.writeVarUint8Array(encoder, update);
	member.doc.on('update', keep);
	let generated: Generated;
	try {
		generated = generateSpace(member.doc, SIZES[size], { progress, seed, end });
	} finally {
		member.doc.off('update', keep);
	}
	mkdirSync(cacheDir, { recursive: true });
	writeFileSync(`${base}.bin`, encoding.toUint8Array(encoder));
	writeFileSync(`${base}.json`, JSON.stringify(generated));
	return generated;
}

/**
 * Whether the relay holds all of `doc`: a second, fresh device syncs from it
 * until its state has every update of `doc`, or the time is up.
 */
export async function relayHolds(origin: string, invite: string, doc: Y.Doc, timeoutMs: number, part?: string): Promise<boolean> {
	const copy = new Y.Doc();
	const { provider } = await connect(origin, invite, copy, part);
	const wanted = Y.decodeStateVector(Y.encodeStateVector(doc));
	const deadline = Date.now() + timeoutMs;
	try {
		for (;;) {
			const have = Y.decodeStateVector(Y.encodeStateVector(copy));
			if ([...wanted].every(([client, clock]) => (have.get(client) ?? 0) >= clock)) return true;
			if (Date.now() > deadline) return false;
			await pause(250);
		}
	} finally {
		provider.destroy();
		copy.destroy();
	}
}

/**
 * Syncs the whole space into a throwaway document, as a new device would, and resolves
 * once the relay has answered: the relay then holds the room loaded and its answer cut.
 */
export async function fetchWhole(origin: string, invite: string, timeoutMs: number): Promise<void> {
	const copy = new Y.Doc();
	const { provider } = await connect(origin, invite, copy);
	try {
		await synced(provider, timeoutMs);
	} finally {
		provider.destroy();
		copy.destroy();
	}
}

/** Size of the document in the relay's format (update v1) and in update v2. */
export function documentBytes(doc: Y.Doc): { v1: number; v2: number } {
	return { v1: Y.encodeStateAsUpdate(doc).length, v2: Y.encodeStateAsUpdateV2(doc).length };
}

/**
 * Archives the space's old history as a member's device does (sync/archive.ts):
 * the oldest records are copied into the archive's room, and leave the space only
 * once the relay holds that copy, read back by a fresh device since this one
 * keeps nothing on disk. A newcomer then downloads the lighter space.
 */
export async function archiveAsMember(origin: string, invite: string, member: Member, timeoutMs: number): Promise<ArchivePass> {
	const archive = new Y.Doc();
	const { provider } = await connect(origin, invite, archive, 'history');
	try {
		await synced(provider, timeoutMs);
		return await archiveOldRecords(member.doc, archive, {
			storedLocally: async () => {},
			storedOnRelay: async () => {
				if (!(await relayHolds(origin, invite, archive, timeoutMs, 'history'))) throw new Error('the relay does not hold the archive');
			}
		});
	} finally {
		provider.destroy();
		archive.destroy();
	}
}
