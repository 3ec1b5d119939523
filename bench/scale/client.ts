/**
 * A member's device in Node: joins through an invite link over the real relay
 * with the member's token, as a browser would, and writes a generated space
 * into its document.
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';
import { generateSpace, SIZES, type Generated } from './generate';

export interface Member {
	doc: Y.Doc;
	spaceId: string;
	/** Waits until the socket has handed every queued byte to the network. */
	drained(timeoutMs: number): Promise<boolean>;
	destroy(): void;
}

async function connect(origin: string, invite: string, doc: Y.Doc): Promise<{ provider: WebsocketProvider; spaceId: string }> {
	const parsed = parseInvite(invite);
	if (!parsed.ok) throw new Error(`the invite link does not parse: ${invite}`);
	const { spaceId, secret } = parsed.invite;
	const url = `${origin.replace(/^http/, 'ws')}/sync`;
	const provider = new WebsocketProvider(url, spaceId, doc, {
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

export function generateInto(member: Member, size: 'small' | 'large', progress?: (message: string) => void): Generated {
	return generateSpace(member.doc, SIZES[size], { progress });
}

/**
 * Whether the relay holds all of `doc`: a second, fresh device syncs from it
 * until its state has every update of `doc`, or the time is up.
 */
export async function relayHolds(origin: string, invite: string, doc: Y.Doc, timeoutMs: number): Promise<boolean> {
	const copy = new Y.Doc();
	const { provider } = await connect(origin, invite, copy);
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

/** Size of the document in the relay's format (update v1) and in update v2. */
export function documentBytes(doc: Y.Doc): { v1: number; v2: number } {
	return { v1: Y.encodeStateAsUpdate(doc).length, v2: Y.encodeStateAsUpdateV2(doc).length };
}
