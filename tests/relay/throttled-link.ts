/**
 * A TCP proxy that delivers what the relay sends at a fixed rate, like a phone on a slow
 * link. The other direction passes untouched. Backpressure reaches the relay: the proxy
 * stops reading from it while its queue is full, so data waits in the relay's socket.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

const TICK_MS = 20;
const HIGH_WATER = 256 * 1024;

export class ThrottledLink {
	readonly #sockets = new Set<Socket>();
	readonly #timers = new Set<NodeJS.Timeout>();
	readonly #server: Server;

	private constructor(
		private readonly targetPort: number,
		private readonly bytesPerSecond: number
	) {
		this.#server = createServer((client) => this.#link(client));
	}

	static async open(targetPort: number, bytesPerSecond: number): Promise<ThrottledLink> {
		const link = new ThrottledLink(targetPort, bytesPerSecond);
		await new Promise<void>((resolve) => link.#server.listen(0, '127.0.0.1', () => resolve()));
		return link;
	}

	get port(): number {
		return (this.#server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		for (const timer of this.#timers) clearInterval(timer);
		for (const socket of this.#sockets) socket.destroy();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}

	#link(client: Socket): void {
		const upstream = createConnection(this.targetPort, '127.0.0.1');
		for (const socket of [client, upstream]) {
			this.#sockets.add(socket);
			socket.on('close', () => this.#sockets.delete(socket));
			socket.on('error', () => {
				client.destroy();
				upstream.destroy();
			});
		}
		client.pipe(upstream);
		const queue: Buffer[] = [];
		let queued = 0;
		upstream.on('data', (chunk: Buffer) => {
			queue.push(chunk);
			queued += chunk.length;
			if (queued > HIGH_WATER) upstream.pause();
		});
		const perTick = Math.max(1, Math.floor((this.bytesPerSecond * TICK_MS) / 1000));
		const timer = setInterval(() => {
			let budget = perTick;
			while (budget > 0 && queue.length > 0) {
				const head = queue[0]!;
				const part = head.subarray(0, budget);
				client.write(part);
				budget -= part.length;
				queued -= part.length;
				if (part.length === head.length) queue.shift();
				else queue[0] = head.subarray(part.length);
			}
			if (queued <= HIGH_WATER) upstream.resume();
		}, TICK_MS);
		this.#timers.add(timer);
		client.on('close', () => {
			clearInterval(timer);
			this.#timers.delete(timer);
			upstream.destroy();
		});
	}
}
