import type { DerivationProgress } from '$lib/workers/derivations';

/** Whole percent done; 0 before the first step is told. */
export function progressPercent(progress: DerivationProgress | null): number {
	if (!progress || progress.total <= 0) return 0;
	return Math.min(100, Math.floor((progress.done / progress.total) * 100));
}
