// Prometheus metrics of one relay instance. Each relay gets its own registry so that
// several relays in one process (tests) do not collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AccessLevel } from './access/access.js';

export interface GaugeSources {
	rooms(): number;
	connections(access: AccessLevel): number;
	/** Links to the upstream relay in this state (a site relay; 0 elsewhere). */
	upstreamLinks?(state: 'connecting' | 'connected' | 'waiting' | 'refused'): number;
}

/** Seconds, for what waits on the disk: from half a millisecond to a second. */
const DISK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

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
		help: 'WebSocket upgrades refused with an HTTP status, by reason.',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly refusals = new Counter({
		name: 'relay_refusals_total',
		help: 'Connections closed because a limit was reached or their token was rotated, by reason.',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly framesRejected = new Counter({
		name: 'relay_frames_rejected_total',
		help: 'Frames that closed their socket, by reason.',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly readonlyWritesDropped = new Counter({
		name: 'relay_readonly_writes_dropped_total',
		help: 'Updates and awareness messages from read-only connections, dropped unstored.',
		labelNames: ['kind'] as const,
		registers: [this.registry]
	});
	readonly awarenessDropped = new Counter({
		name: 'relay_awareness_dropped_total',
		help: 'Awareness entries dropped instead of forwarded: another connection owns the client id, too many ids, a full room, an oversized state.',
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
	readonly persistSeconds = new Histogram({
		name: 'relay_persist_duration_seconds',
		help: 'Time from an update handed to storage to the update stored in the file (its wait for the commit included).',
		buckets: DISK_BUCKETS,
		registers: [this.registry]
	});
	readonly commitSeconds = new Histogram({
		name: 'relay_commit_duration_seconds',
		help: 'Time of one storage commit (one transaction) of a batch of updates.',
		buckets: DISK_BUCKETS,
		registers: [this.registry]
	});
	readonly diskSyncSeconds = new Histogram({
		name: 'relay_disk_sync_duration_seconds',
		help: 'Time of one background sync of the journal and the write-ahead log to disk (acknowledgements wait for it).',
		buckets: DISK_BUCKETS,
		registers: [this.registry]
	});
	readonly checkpointSeconds = new Histogram({
		name: 'relay_checkpoint_duration_seconds',
		help: 'Time of one checkpoint (the write-ahead log copied into the database file), run in a worker thread.',
		buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
		registers: [this.registry]
	});
	readonly foldSeconds = new Histogram({
		name: 'relay_journal_fold_duration_seconds',
		help: 'Time of one fold of journaled updates into SQLite, on the event loop.',
		buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
		registers: [this.registry]
	});
	readonly storageFailures = new Counter({
		name: 'relay_storage_failures_total',
		help: 'Failed storage operations, by operation.',
		labelNames: ['operation'] as const,
		registers: [this.registry]
	});
	readonly roomsExpired = new Counter({
		name: 'relay_rooms_expired_total',
		help: 'Claimed rooms deleted because they never stored anything.',
		registers: [this.registry]
	});
	readonly compactions = new Counter({
		name: 'relay_compactions_total',
		help: 'Room logs folded into a snapshot.',
		registers: [this.registry]
	});
	readonly compactionSeconds = new Histogram({
		name: 'relay_compaction_duration_seconds',
		help: 'Time to fold a room log into a snapshot, merge and write included.',
		buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
		registers: [this.registry]
	});
	readonly errors = new Counter({
		name: 'relay_errors_total',
		help: 'Unexpected errors caught by the relay, by where they happened.',
		labelNames: ['where'] as const,
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
			help: 'Open WebSocket connections, by access.',
			labelNames: ['access'] as const,
			registers: [this.registry],
			collect() {
				this.set({ access: 'member' }, sources.connections('member'));
				this.set({ access: 'read' }, sources.connections('read'));
			}
		});
		new Gauge({
			name: 'relay_upstream_links',
			help: 'Links of a site relay to its upstream relay, by state.',
			labelNames: ['state'] as const,
			registers: [this.registry],
			collect() {
				for (const state of ['connecting', 'connected', 'waiting', 'refused'] as const) this.set({ state }, sources.upstreamLinks?.(state) ?? 0);
			}
		});
		if (options.processMetrics === true) {
			collectDefaultMetrics({ register: this.registry, prefix: 'relay_' });
		}
	}
}
