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
import { readAhead } from './read-ahead';

export class SpaceView {
	readonly #subscribe: () => void;

	constructor(readonly session: SpaceSession) {
		void session.loaded.then(() => readAhead(session.doc));
		this.#subscribe = createSubscriber((update) => {
			session.doc.on('update', update);
			const stop = session.onStatus(update);
			return () => {
				session.doc.off('update', update);
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
