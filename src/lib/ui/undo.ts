/**
 * The last write of a form, said in a notice for a few seconds with « Annuler »
 * (UndoNotice.svelte). Taking it back is a write of its own, recorded in the
 * history like any other: a removal, an edit back, a reversal or a
 * withdrawal, never a silent erasure another device may already have seen.
 */
export interface LastWrite {
	/** What was just done, in a sentence. */
	text: string;
	/** Takes it back; answers a sentence to show when it could not. */
	undo: () => string | null;
}
