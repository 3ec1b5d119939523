// Prometheus metrics of one relay instance. Each relay gets its own registry so that
// several relays in one process (tests) do not collide.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface GaugeSources {
	rooms(): number;
	connections(): number;
}

export class RelayMetrics {
	readonly registry = new Registry();
	readonly messagesIn = new Counter({
		name: 'relay_messages_received_total',
		help: 'Frames received from clients, by message kind.',
		labelNames: ['kind'] as const,
		registers: [this.registry]
	});
	readonly messagesOut = new Counter({
		name: 'relay_messages_sent_total',
		help: 'Frames sent to clients.',
		registers: [this.registry]
	});
	readonly bytesIn = new Counter({
		name: 'relay_bytes_received_total',
		help: 'Bytes of frames received from clients.',
		registers: [this.registry]
	});
	readonly bytesOut = new Counter({
		name: 'relay_bytes_sent_total',
		help: 'Bytes of frames sent to clients.',
		registers: [this.registry]
	});
	readonly upgradesRefused = new Counter({
		name: 'relay_upgrades_refused_total',
		help: 'WebSocket upgrades refused, by reason.',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly framesRejected = new Counter({
		name: 'relay_frames_rejected_total',
		help: 'Frames that closed their socket, by reason.',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly updatesPersisted = new Counter({
		name: 'relay_updates_persisted_total',
		help: 'Updates appended to storage.',
		registers: [this.registry]
	});
	readonly updatesSkipped = new Counter({
		name: 'relay_updates_skipped_total',
		help: 'Updates not stored because they added nothing.',
		registers: [this.registry]
	});
	readonly storageFailures = new Counter({
		name: 'relay_storage_failures_total',
		help: 'Failed storage operations, by operation.',
		labelNames: ['operation'] as const,
		registers: [this.registry]
	});
	readonly compactions = new Counter({
		name: 'relay_compactions_total',
		help: 'Room logs folded into a snapshot.',
		registers: [this.registry]
	});

	constructor(sources: GaugeSources, options: { processMetrics?: boolean } = {}) {
		new Gauge({
			name: 'relay_rooms_loaded',
			help: 'Rooms held in memory.',
			registers: [this.registry],
			collect() {
				this.set(sources.rooms());
			}
		});
		new Gauge({
			name: 'relay_connections',
			help: 'Open WebSocket connections.',
			registers: [this.registry],
			collect() {
				this.set(sources.connections());
			}
		});
		if (options.processMetrics === true) {
			collectDefaultMetrics({ register: this.registry, prefix: 'relay_' });
		}
	}
}
