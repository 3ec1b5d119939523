/**
 * Runes over a space's document: reading a getter inside a component or
 * $derived subscribes it to the document and to the sync status, and it is
 * recomputed after each change, local or remote.
 */
import { version } from '$app/environment';
import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';
import { derivedViews } from '../domain/core';
import { listMembers, membersView, readSpaceMeta } from '../domain/space';
import type { SpaceSession, SyncStatus } from '../sync/session';
import { saveFirstScreen, type FirstScreen, type KeptView } from '../sync/first-screen';
import { keepOnDevice, keptName, sameArgs } from './first-screen';
import { afterNextFrame, onIdle } from './idle';
import { readAhead } from './read-ahead';

export class SpaceView {
	readonly #subscribe: () => void;
	/** Bumped when a view computed at an idle moment is ready. */
	#idleDone = $state(0);
	readonly #idleShown = new Map<string, unknown>();
	readonly #idleAsked = new Set<string>();
	/** The document has loaded from the device: views are read from it, not from the kept first screen. */
	#live = $state(false);
	/** The first screen kept from the last visit, shown until the document has loaded. */
	#kept = $state.raw<FirstScreen | null>(null);
	/** The first-screen views as last shown, to keep for the next visit. */
	readonly #shown = new Map<string, KeptView>();
	#saving = false;
	/** When the first screen was last written (0: not by this page). */
	#keptAt = 0;

	constructor(readonly session: SpaceSession) {
		void session.firstScreen.then((kept) => {
			if (!this.#live) this.#kept = kept;
		});
		void session.loaded.then(() => {
			this.#live = true;
			this.#kept = null;
			readAhead(session.doc);
		});
		this.#subscribe = createSubscriber((update) => {
			// afterTransaction rather than update: Yjs encodes each change for update listeners.
			// A transaction that changed nothing (a reading inside a view) must not count as a
			// change: it can run while a view is being derived, where no state may move.
			const changed = (transaction: Y.Transaction) => {
				if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) update();
			};
			session.doc.on('afterTransaction', changed);
			const stop = session.onStatus(update);
			return () => {
				session.doc.off('afterTransaction', changed);
				stop();
			};
		});
	}

	get doc(): Y.Doc {
		return this.session.doc;
	}

	// Kept like every view: the layout reads the name on every update of the document.
	get meta() {
		return this.derive(readSpaceMeta);
	}

	get members() {
		return this.derive(listMembers);
	}

	/** The document is still loading from the device. */
	get loading(): boolean {
		return !this.#live;
	}

	/** The page shows the first screen kept from the last visit while the space loads. */
	get showingKept(): boolean {
		return !this.#live && this.#kept !== null;
	}

	get status(): SyncStatus {
		this.#subscribe();
		return this.session.current;
	}

	/**
	 * A view of the document kept until something it read changes:
	 * `view.derive(needPageView, needId, today)`. The same object comes back
	 * while nothing moved, so nothing downstream is recomputed either. The
	 * arguments must be plain data: they key the kept view.
	 */
	derive<A extends unknown[], T>(compute: (doc: Y.Doc, ...args: A) => T, ...args: A): T {
		this.#subscribe();
		const doc = this.session.doc;
		const name = keptName(compute);
		if (name === undefined) return derivedViews(doc).get(viewKey(compute, args), () => compute(doc, ...args));
		const json = JSON.stringify(args);
		if (!this.#live) {
			const kept = this.#kept?.views[name];
			if (kept && sameArgs(kept.args, json)) return kept.value as T;
		}
		const value = derivedViews(doc).get(viewKey(compute, args), () => compute(doc, ...args));
		if (this.#live && this.#shown.get(name)?.value !== value) {
			this.#shown.set(name, { args: json, value });
			this.#keepLater();
		}
		return value;
	}

	/**
	 * Keeps the first screen for the next visit, once things are quiet: at most one
	 * write every few seconds. A page left before then (closed, reloaded, sent to the
	 * background) writes at once: a space that has just arrived would otherwise open
	 * next time on the empty screen kept before it came.
	 */
	#keepLater(): void {
		if (this.#saving) return;
		this.#saving = true;
		unsaved.add(this);
		// A change after a quiet while is kept at the next idle moment; one in a burst waits for the burst.
		const wait = Math.max(0, this.#keptAt + KEEP_DELAY_MS - Date.now());
		setTimeout(() => onIdle(() => this.keepNow()), wait);
	}

	/** Writes the first screen now if a write is waiting. */
	keepNow(): void {
		if (!this.#saving) return;
		this.#saving = false;
		unsaved.delete(this);
		if (this.session.doc.isDestroyed) return;
		this.#keptAt = Date.now();
		const views = Object.fromEntries(this.#shown);
		void saveFirstScreen(this.session.entry.id, { build: version, savedAt: Date.now(), views });
	}

	/**
	 * A view that must not hold up the first screen (a badge counting every
	 * conflict): the kept one while nothing it read has changed; otherwise it is
	 * computed at the next idle moment, or once a first sync under way has ended,
	 * and until then the last one computed is given (undefined at first).
	 */
	whenIdle<A extends unknown[], T>(compute: (doc: Y.Doc, ...args: A) => T, ...args: A): T | undefined {
		this.#subscribe();
		void this.#idleDone;
		const doc = this.session.doc;
		const key = viewKey(compute, args);
		// A first sync brings a space in pieces: such a view waits for the last one rather than
		// being made again over the whole space after each.
		const { connection, synced } = this.session.current;
		if (connection === 'connected' && !synced) return this.#idleShown.get(key) as T | undefined;
		const views = derivedViews(doc);
		const kept = views.fresh<T>(key);
		if (kept) {
			this.#idleShown.set(key, kept.value);
			return kept.value;
		}
		if (!this.#idleAsked.has(key)) {
			this.#idleAsked.add(key);
			afterNextFrame(() => {
				this.#idleAsked.delete(key);
				if (doc.isDestroyed) return;
				this.#idleShown.set(key, views.get(key, () => compute(doc, ...args)));
				this.#idleDone++;
			});
		}
		return this.#idleShown.get(key) as T | undefined;
	}
}

/** How long after a change the first screen is kept again: a burst of edits makes one write. */
const KEEP_DELAY_MS = 3000;

/** Views whose first screen waits to be written: written at once when the page is left. */
const unsaved = new Set<SpaceView>();
if (typeof window !== 'undefined') {
	const keepAll = () => {
		for (const view of [...unsaved]) view.keepNow();
	};
	window.addEventListener('pagehide', keepAll);
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'hidden') keepAll();
	});
}

keepOnDevice('meta', readSpaceMeta);

/** The members page's view, kept until something it read changes. */
export function membersPage(view: SpaceView) {
	return view.derive(membersView);
}

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

/** One key per view function and arguments. */
function viewKey(compute: object, args: unknown[]): string {
	let id = functionIds.get(compute);
	if (id === undefined) functionIds.set(compute, (id = nextFunctionId++));
	return `${id}:${JSON.stringify(args)}`;
}
