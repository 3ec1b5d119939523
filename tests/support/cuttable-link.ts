/**
 * A TCP link between a browser and the relay that a test can cut for real.
 * Telling the browser it is offline does not close a WebSocket that is
 * already open; destroying the sockets here does, exactly like a lost network.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class CuttableLink {
	private server: Server | null = null;
	private readonly sockets = new Set<Socket>();

	private constructor(
		readonly port: number,
		private readonly targetPort: number
	) {}

	static async open(port: number, targetPort: number): Promise<CuttableLink> {
		const link = new CuttableLink(port, targetPort);
		await link.restore();
		return link;
	}

	get origin(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Listens again on the same port. */
	async restore(): Promise<void> {
		if (this.server) return;
		const server = createServer((client) => {
			const upstream = createConnection(this.targetPort, '127.0.0.1');
			for (const socket of [client, upstream]) {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
				socket.on('error', () => {
					client.destroy();
					upstream.destroy();
				});
			}
			client.pipe(upstream);
			upstream.pipe(client);
		});
		this.server = server;
		await new Promise<void>((done, fail) => {
			server.once('error', fail);
			server.listen(this.port, '127.0.0.1', () => done());
		});
	}

	/** Stops accepting and drops every open connection. */
	async cut(): Promise<void> {
		const server = this.server;
		this.server = null;
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		if (server) await new Promise<void>((done) => server.close(() => done()));
	}
}
