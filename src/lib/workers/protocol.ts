/** What the page and the derivation worker say to each other. */
import type { DerivationProgress, DerivationRequest, DerivationResult } from './derivations';

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
	| { type: 'done'; id: number; result: DerivationResult }
	| { type: 'cancelled'; id: number }
	| { type: 'failed'; id: number; message: string };
