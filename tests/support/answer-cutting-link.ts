/**
 * A TCP link between a browser and the relay that forwards a key change to the
 * relay and then loses its answer: as soon as the relay starts answering a
 * `POST …/rotate`, every connection through the link is dropped and the link
 * stops listening. The relay has applied the change (it answers once the change
 * is on disk); the browser learns nothing of it, as with a network lost at the
 * worst moment. `restore()` brings the network back.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class AnswerCuttingLink {
	private server: Server | null = null;
	private readonly sockets = new Set<Socket>();
	private armed = false;
	/** How many rotation requests reached the relay through this link. */
	rotationsForwarded = 0;

	private constructor(
		readonly port: number,
		private readonly targetPort: number
	) {}

	static async open(port: number, targetPort: number): Promise<AnswerCuttingLink> {
		const link = new AnswerCuttingLink(port, targetPort);
		await link.restore();
		return link;
	}

	get origin(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The next rotation's answer is lost, and the network with it. */
	armForNextRotation(): void {
		this.armed = true;
	}

	async restore(): Promise<void> {
		if (this.server) return;
		const server = createServer((client) => {
			const upstream = createConnection(this.targetPort, '127.0.0.1');
			let carriesRotation = false;
			for (const socket of [client, upstream]) {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
				socket.on('error', () => {
					client.destroy();
					upstream.destroy();
				});
			}
			client.on('data', (chunk: Buffer) => {
				if (this.armed && /^POST \/rooms\/[^ ]+\/rotate /m.test(chunk.toString('latin1'))) {
					carriesRotation = true;
					this.rotationsForwarded++;
				}
				upstream.write(chunk);
			});
			upstream.on('data', (chunk: Buffer) => {
				if (carriesRotation) {
					this.armed = false;
					void this.cut();
					return;
				}
				client.write(chunk);
			});
			client.on('end', () => upstream.end());
			upstream.on('end', () => client.end());
		});
		this.server = server;
		await new Promise<void>((done, fail) => {
			server.once('error', fail);
			server.listen(this.port, '127.0.0.1', () => done());
		});
	}

	async cut(): Promise<void> {
		const server = this.server;
		this.server = null;
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		if (server) await new Promise<void>((done) => server.close(() => done()));
	}
}
