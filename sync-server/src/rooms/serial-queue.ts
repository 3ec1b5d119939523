// Runs a room's tasks one after another. Stores may be asynchronous, and an update must
// be stored before it is fanned out and before the next message of the room is handled.

export class SerialQueue {
	#tail: Promise<void> = Promise.resolve();

	/** Queues a task; a failing task does not stop the ones after it. */
	run<T>(task: () => T | Promise<T>): Promise<T> {
		const result = this.#tail.then(task);
		this.#tail = result.then(
			() => undefined,
			() => undefined
		);
		return result;
	}

	/** Resolves once every task queued so far has finished. */
	idle(): Promise<void> {
		return this.#tail;
	}
}
