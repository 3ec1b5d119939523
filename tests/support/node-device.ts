/**
 * A member's device in Node, for browser tests that need someone else writing: a real Y.Doc
 * on the space an invite opens, synced through the real relay by the stock provider, with
 * the token the invite's secret gives.
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseInvite } from '../../src/lib/sync/invite';
import { deriveRelayToken } from '../../src/lib/sync/keys';

export interface NodeDevice {
	doc: Y.Doc;
	spaceId: string;
	provider: WebsocketProvider;
	close(): void;
}

/** Opens the invite's space on the relay at `relayPort` and resolves once synced with it. */
export async function openInNode(invite: string, relayPort: number): Promise<NodeDevice> {
	const parsed = parseInvite(invite);
	if (!parsed.ok) throw new Error(`the invite did not parse: ${parsed.error}`);
	const { spaceId, secret } = parsed.invite;
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`ws://127.0.0.1:${relayPort}/sync`, spaceId, doc, {
		params: { token: await deriveRelayToken(secret, spaceId) },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	await new Promise<void>((done) => provider.once('sync', () => done()));
	return { doc, spaceId, provider, close: () => provider.destroy() };
}
