/**
 * Runes over a space's document: reading a getter inside a component or
 * $derived subscribes it to the document and to the sync status, and it is
 * recomputed after each change, local or remote.
 */
import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';
import { derivedViews } from '../domain/core';
import { listMembers, membersView, readSpaceMeta } from '../domain/space';
import type { SpaceSession, SyncStatus } from '../sync/session';
import { onIdle } from './idle';
import { readAhead } from './read-ahead';

export class SpaceView {
	readonly #subscribe: () => void;
	/** Bumped when a view computed at an idle moment is ready. */
	#idleDone = $state(0);
	readonly #idleShown = new Map<string, unknown>();
	readonly #idleAsked = new Set<string>();

	constructor(readonly session: SpaceSession) {
		void session.loaded.then(() => readAhead(session.doc));
		this.#subscribe = createSubscriber((update) => {
			// afterTransaction rather than update: Yjs encodes each change for update listeners.
			session.doc.on('afterTransaction', update);
			const stop = session.onStatus(update);
			return () => {
				session.doc.off('afterTransaction', update);
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
		return derivedViews(doc).get(viewKey(compute, args), () => compute(doc, ...args));
	}

	/**
	 * A view that must not hold up the first screen (a badge counting every
	 * conflict): the kept one while nothing it read has changed; otherwise it is
	 * computed at the next idle moment and, until then, the last one computed
	 * is given (undefined at first).
	 */
	whenIdle<A extends unknown[], T>(compute: (doc: Y.Doc, ...args: A) => T, ...args: A): T | undefined {
		this.#subscribe();
		void this.#idleDone;
		const doc = this.session.doc;
		const key = viewKey(compute, args);
		const views = derivedViews(doc);
		const kept = views.fresh<T>(key);
		if (kept) {
			this.#idleShown.set(key, kept.value);
			return kept.value;
		}
		if (!this.#idleAsked.has(key)) {
			this.#idleAsked.add(key);
			onIdle(() => {
				this.#idleAsked.delete(key);
				if (doc.isDestroyed) return;
				this.#idleShown.set(key, views.get(key, () => compute(doc, ...args)));
				this.#idleDone++;
			});
		}
		return this.#idleShown.get(key) as T | undefined;
	}
}

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
