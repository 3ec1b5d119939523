/**
 * Replicas of one space on a simulated network, for convergence tests, after the Yjs test
 * connector (yjs `tests/testHelper.js`): each replica talks the y-protocols sync messages
 * to every other one that is online, messages wait on their link until the test delivers
 * them, links are cut and restored, and everything is drawn from one seeded generator.
 *
 * Semantics of the links, as with a real transport: messages from one replica to another
 * arrive in the order they were sent; a replica that goes offline loses what was on its way
 * to it and sends nothing until it reconnects; what it had already sent may still arrive.
 * Reconnecting runs the two-step sync with every replica online, which repairs the loss.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { expect } from 'vitest';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import { bool, clientId, generator, int, pick, replay, withReplayHint, type Gen } from './random';

export type Replica = {
	readonly index: number;
	readonly doc: Y.Doc;
	readonly online: boolean;
};

/** One random operation on one replica's document; `step` counts the operations of the run. */
export type Operation = (doc: Y.Doc, gen: Gen, replica: number, step: number) => void;

/** What the network did during a run, to show that a test exercised partial syncs and cuts. */
export type NetworkStats = {
	delivered: number;
	partialFlushes: number;
	fullFlushes: number;
	disconnects: number;
	reconnects: number;
	lost: number;
};

type Node = { index: number; doc: Y.Doc; online: boolean; inbox: Map<number, Uint8Array[]> };

export class Network {
	readonly seed: number;
	readonly gen: Gen;
	readonly stats: NetworkStats = { delivered: 0, partialFlushes: 0, fullFlushes: 0, disconnects: 0, reconnects: 0, lost: 0 };
	readonly #nodes: Node[];

	constructor(size: number, seed: number) {
		if (!Number.isInteger(size) || size < 2) throw new RangeError(`A network has at least two replicas, not ${size}`);
		this.seed = seed;
		this.gen = generator(seed);
		const ids = new Set<number>();
		while (ids.size < size) ids.add(clientId(this.gen));
		this.#nodes = [...ids].map((id, index) => {
			const doc = new Y.Doc();
			doc.clientID = id;
			const node: Node = { index, doc, online: false, inbox: new Map() };
			// What a replica receives is applied with the network as origin and not sent on:
			// each replica sends its own edits to every peer online, never what it received.
			doc.on('update', (update: Uint8Array, origin: unknown) => {
				if (origin === this) return;
				const encoder = encoding.createEncoder();
				sync.writeUpdate(encoder, update);
				this.#broadcast(node, encoding.toUint8Array(encoder));
			});
			return node;
		});
		for (const node of this.#nodes) this.reconnect(node.index);
		this.stats.reconnects = 0;
	}

	get replicas(): readonly Replica[] {
		return this.#nodes;
	}

	get docs(): Y.Doc[] {
		return this.#nodes.map((node) => node.doc);
	}

	get size(): number {
		return this.#nodes.length;
	}

	#node(index: number): Node {
		const node = this.#nodes[index];
		if (node === undefined) throw new RangeError(`No replica ${index} in a network of ${this.#nodes.length}`);
		return node;
	}

	#send(from: Node, to: Node, message: Uint8Array): void {
		if (!from.online || !to.online) return;
		const queue = to.inbox.get(from.index);
		if (queue === undefined) to.inbox.set(from.index, [message]);
		else queue.push(message);
	}

	#broadcast(from: Node, message: Uint8Array): void {
		for (const to of this.#nodes) if (to !== from) this.#send(from, to, message);
	}

	#stepOne(doc: Y.Doc): Uint8Array {
		const encoder = encoding.createEncoder();
		sync.writeSyncStep1(encoder, doc);
		return encoding.toUint8Array(encoder);
	}

	/** Every replica starts from what `origin` holds, as if each had joined and synced before the run. */
	startFrom(origin: Y.Doc): void {
		const update = Y.encodeStateAsUpdate(origin);
		for (const node of this.#nodes) Y.applyUpdate(node.doc, update, this);
	}

	/** Messages waiting on the link from one replica to another, or on every link. */
	pending(from?: number, to?: number): number {
		let count = 0;
		for (const node of this.#nodes) {
			if (to !== undefined && node.index !== to) continue;
			for (const [sender, queue] of node.inbox) if (from === undefined || sender === from) count += queue.length;
		}
		return count;
	}

	/** Delivers the oldest message from `from` to `to`; the answer, if any, goes back on the reverse link. */
	deliverOne(from: number, to: number): boolean {
		const sender = this.#node(from);
		const receiver = this.#node(to);
		const queue = receiver.inbox.get(from);
		const message = queue?.shift();
		if (queue !== undefined && queue.length === 0) receiver.inbox.delete(from);
		if (message === undefined || !receiver.online) return false;
		const answer = encoding.createEncoder();
		sync.readSyncMessage(decoding.createDecoder(message), answer, receiver.doc, this, (error) => {
			throw error;
		});
		if (encoding.length(answer) > 0) this.#send(receiver, sender, encoding.toUint8Array(answer));
		this.stats.delivered++;
		return true;
	}

	/** `from` flushes everything it has pending for `to`; answers wait on the reverse link. */
	flushOne(from: number, to: number): number {
		let delivered = 0;
		while (this.deliverOne(from, to)) delivered++;
		return delivered;
	}

	#links(): Array<[number, number]> {
		const links: Array<[number, number]> = [];
		for (const node of this.#nodes) {
			if (!node.online) continue;
			for (const sender of node.inbox.keys()) links.push([sender, node.index]);
		}
		return links;
	}

	/** One random replica flushes its pending messages to one random other; false when nothing waits. */
	flushRandom(): boolean {
		const links = this.#links();
		if (links.length === 0) return false;
		const [from, to] = pick(this.gen, links);
		this.flushOne(from, to);
		this.stats.partialFlushes++;
		return true;
	}

	/** Delivers one random waiting message; false when nothing waits. */
	deliverRandom(): boolean {
		const links = this.#links();
		if (links.length === 0) return false;
		const [from, to] = pick(this.gen, links);
		return this.deliverOne(from, to);
	}

	/** Delivers messages in random order until none waits between online replicas. */
	flushAll(): number {
		let delivered = 0;
		while (this.deliverRandom()) delivered++;
		this.stats.fullFlushes++;
		return delivered;
	}

	/** The replica goes offline: what was on its way to it is lost. */
	disconnect(index: number): void {
		const node = this.#node(index);
		if (!node.online) return;
		node.online = false;
		for (const queue of node.inbox.values()) this.stats.lost += queue.length;
		node.inbox.clear();
		this.stats.disconnects++;
	}

	/** The replica comes back and starts the two-step sync with every replica online. */
	reconnect(index: number): void {
		const node = this.#node(index);
		if (node.online) return;
		node.online = true;
		this.stats.reconnects++;
		this.#broadcast(node, this.#stepOne(node.doc));
		for (const other of this.#nodes) if (other !== node) this.#send(other, node, this.#stepOne(other.doc));
	}

	disconnectRandom(): boolean {
		const online = this.#nodes.filter((node) => node.online);
		if (online.length === 0) return false;
		this.disconnect(pick(this.gen, online).index);
		return true;
	}

	reconnectRandom(): boolean {
		const offline = this.#nodes.filter((node) => !node.online);
		if (offline.length === 0) return false;
		this.reconnect(pick(this.gen, offline).index);
		return true;
	}

	/** Every replica back online, then every message delivered: the final full sync. */
	syncAll(): void {
		for (const node of this.#nodes) this.reconnect(node.index);
		this.flushAll();
	}

	/**
	 * Loses the oldest message from `from` to `to` while the link stays up, as a broken
	 * transport would. Only for showing that the convergence check catches such a loss.
	 */
	loseOne(from: number, to: number): boolean {
		const queue = this.#node(to).inbox.get(from);
		if (queue?.shift() === undefined) return false;
		this.stats.lost++;
		return true;
	}
}

export function createNetwork(size: number, seed: number): Network {
	return new Network(size, seed);
}

/** A network of `size` replicas in a seeded run (seeded ids too, see `replay`). */
export function withNetwork<T>(size: number, seed: number, body: (network: Network) => T): T {
	return replay(seed, () => body(createNetwork(size, seed)));
}

export type RandomTestOptions = {
	/**
	 * Runs after every step, while replicas still differ: for checks that must hold at
	 * every moment on every replica, such as a view kept up to date from document events
	 * being equal to the same view computed afresh.
	 */
	afterStep?: (network: Network, step: number) => void;
};

/**
 * Random operations on random replicas, interleaved with partial syncs, cuts and
 * reconnections: per step, sometimes a replica goes offline or comes back, sometimes
 * every waiting message is delivered, often one replica flushes what it has for one other
 * or a single message arrives; then one operation runs on a random replica, online or not.
 */
export function applyRandomTests(
	network: Network,
	operations: readonly Operation[],
	iterations: number,
	options: RandomTestOptions = {}
): void {
	if (operations.length === 0) throw new RangeError('No operation to apply');
	const gen = network.gen;
	try {
		for (let step = 0; step < iterations; step++) {
			const roll = int(gen, 0, 99);
			// Cuts are frequent because runs are short: a few dozen to a few hundred steps.
			if (roll < 10) {
				if (bool(gen)) network.disconnectRandom();
				else network.reconnectRandom();
			} else if (roll < 12) network.flushAll();
			else if (roll < 45) network.flushRandom();
			else if (roll < 65) network.deliverRandom();
			const replica = int(gen, 0, network.size - 1);
			pick(gen, operations)(network.replicas[replica]!.doc, gen, replica, step);
			options.afterStep?.(network, step);
		}
	} catch (error) {
		throw withReplayHint(error, network.seed);
	}
}

function stateVector(doc: Y.Doc): Record<number, number> {
	return Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b));
}

const KINDS = [Y.Map, Y.Array, Y.Text, Y.XmlFragment] as const;
type Kind = (typeof KINDS)[number];

/**
 * The JSON of every non-empty top-level structure. A replica that only received a
 * structure holds it untyped until read, so each is read with the kind that some replica
 * gave it, or guessed from its content (entries make a map, items a list).
 */
export function documentJSON(docs: readonly Y.Doc[]): Array<Record<string, unknown>> {
	const kinds = new Map<string, Kind>();
	for (const doc of docs) {
		for (const [name, type] of doc.share) {
			const kind = KINDS.find((k) => type instanceof k);
			if (kind !== undefined) kinds.set(name, kind);
			else if (!kinds.has(name) && (type._map.size > 0 || type._start !== null)) kinds.set(name, type._map.size > 0 ? Y.Map : Y.Array);
		}
	}
	return docs.map((doc) => {
		const out: Record<string, unknown> = {};
		for (const [name, kind] of [...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
			const type = doc.get(name, kind);
			out[name] = type instanceof Y.Text || type instanceof Y.XmlFragment ? type.toString() : (type.toJSON() as unknown);
		}
		return out;
	});
}

export type ConvergenceCheck<P> = {
	/** What must be identical on every replica besides the document: derived views, typically. */
	project?: (doc: Y.Doc, replica: number) => P;
	/** Checks on the converged projection (every replica's is the same), run once. */
	invariants?: (projection: P, doc: Y.Doc) => void;
	/** Checks of each replica on its own, e.g. that what it keeps from events equals a recomputation. */
	eachReplica?: (doc: Y.Doc, replica: number) => void;
};

function sameOn<T>(what: string, values: readonly T[], seed: number): void {
	const [first, ...rest] = values;
	rest.forEach((value, n) => {
		try {
			expect(value, `${what} of replica ${n + 1} against replica 0`).toEqual(first);
		} catch (error) {
			throw withReplayHint(error, seed);
		}
	});
}

/**
 * The final full sync (every replica reconnected, every message delivered), then the check
 * that every replica ends identical: no update left waiting for a missing one, the same
 * state vector, the same document, the same projection; then the caller's checks of each
 * replica and invariants.
 * Returns the common projection.
 */
export function assertConverged<P = undefined>(network: Network, check: ConvergenceCheck<P> = {}): P {
	network.syncAll();
	const docs = network.docs;
	const seed = network.seed;
	docs.forEach((doc, i) => {
		if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
			throw withReplayHint(new Error(`Replica ${i} holds updates waiting for one it never received`), seed);
		}
	});
	sameOn('state vector', docs.map(stateVector), seed);
	sameOn('document', documentJSON(docs), seed);
	const projections = check.project === undefined ? [] : docs.map((doc, i) => check.project!(doc, i));
	sameOn('projection', projections, seed);
	const projection = projections[0] as P;
	try {
		docs.forEach((doc, i) => check.eachReplica?.(doc, i));
		check.invariants?.(projection, docs[0]!);
	} catch (error) {
		throw withReplayHint(error, seed);
	}
	return projection;
}
