// A connection's sends within one turn of the event loop leave in one write to the network
// socket: it corks the socket handed over at the upgrade, and uncorks at the turn's end.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Connection } from './connection.js';
import { RelayMetrics } from '../metrics.js';

test('frames sent in one turn go out together, and all arrive', async () => {
	const server = http.createServer();
	const wss = new WebSocketServer({ noServer: true });
	const accepted = new Promise<{ ws: WebSocket; raw: Duplex }>((resolve) => {
		server.on('upgrade', (req, socket, head) => {
			wss.handleUpgrade(req, socket, head, (ws) => resolve({ ws, raw: socket }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const client = new WebSocket(`ws://127.0.0.1:${port}`);
	const received: number[] = [];
	client.on('message', (data: Buffer) => received.push(data[0] as number));
	try {
		const { ws, raw } = await accepted;
		const metrics = new RelayMetrics({ rooms: () => 0, connections: () => 0 });
		const connection = new Connection(
			ws,
			raw,
			{
				access: 'member',
				tokenHash: 'h',
				address: '127.0.0.1',
				wantsAck: false,
				ackDelayMs: 0,
				synced: async () => {},
				maxBufferedBytes: 1024 * 1024,
				messagesPerSecond: 100,
				messageBurst: 100
			},
			metrics
		);
		for (let n = 1; n <= 5; n++) expect(connection.send(new Uint8Array([n]))).toBe(true);
		// Held back until the end of the turn: nothing written yet.
		expect(raw.writableCorked).toBe(1);
		await new Promise((resolve) => process.nextTick(resolve));
		expect(raw.writableCorked).toBe(0);
		await new Promise<void>((resolve, reject) => {
			const deadline = setTimeout(() => reject(new Error('frames did not arrive')), 2000);
			const poll = setInterval(() => {
				if (received.length < 5) return;
				clearInterval(poll);
				clearTimeout(deadline);
				resolve();
			}, 5);
		});
		expect(received).toEqual([1, 2, 3, 4, 5]);
	} finally {
		client.terminate();
		wss.close();
		await new Promise((resolve) => server.close(resolve));
	}
});
