/** What the page and the derivation worker say to each other. */
import type { DerivationProgress, DerivationRequest, DerivationResult } from './derivations';

/**
 * A result as it crosses to the page: an export's file as UTF-8 bytes, moved
 * rather than copied, so that the page does not decode megabytes of text.
 */
export type WorkerResult = Extract<DerivationResult, { kind: 'transparency' }> | { kind: 'ledger-export'; file: Uint8Array; entries: number };

export type ToWorker =
	/** Load the space kept on the device under `database`, then say what the document holds. */
	| { type: 'open'; database: string }
	/** A change of the page's document (or what the device's copy lacked), as a Yjs update. */
	| { type: 'update'; update: Uint8Array }
	| { type: 'run'; id: number; request: DerivationRequest }
	| { type: 'cancel'; id: number };

export type FromWorker =
	/** The document as loaded from the device, by its state vector. */
	| { type: 'opened'; stateVector: Uint8Array }
	| { type: 'progress'; id: number; progress: DerivationProgress }
	| { type: 'done'; id: number; result: WorkerResult }
	| { type: 'cancelled'; id: number }
	| { type: 'failed'; id: number; message: string };
