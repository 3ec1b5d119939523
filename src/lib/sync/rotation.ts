/**
 * A key change whose answer may be lost. The new secret is saved as the
 * entry's `pendingSecret` before the request leaves; whatever happens next,
 * the relay is asked with both tokens which one it now knows, and the entry
 * follows it. A retry sends the same new secret, which the relay accepts
 * again if the first request took effect (see sync-server/PROTOCOL.md).
 */
import type { SpaceEntry } from './device';
import type { AccessProbe, RotationAnswer } from './relay-access';

/** 'done': the new key is in use. 'waiting': not known yet, kept for a retry. 'refused': the relay said no. */
export type RotationState = 'done' | 'waiting' | 'refused';

export interface RotationStep {
	entry: SpaceEntry;
	state: RotationState;
}

export interface RotationProbes {
	/** What the relay says of the token of the pending secret; null when not asked. */
	next: AccessProbe | null;
	/** And of the token of the secret in use before. */
	current: AccessProbe | null;
}

/** Whether the probes are needed at all: only a definite yes settles a rotation without them. */
export function answerIsFinal(answer: RotationAnswer): boolean {
	return answer === 'rotated' || answer === 'recovered';
}

/** The entry after a rotation attempt, from the relay's answer and, when that decides nothing, the probes. */
export function settleRotation(entry: SpaceEntry, answer: RotationAnswer, probes: RotationProbes): RotationStep {
	const pending = entry.pendingSecret;
	if (!pending) return { entry, state: 'done' };
	const { pendingSecret: _, ...rest } = entry;
	const commit: RotationStep = { entry: { ...rest, secret: pending }, state: 'done' };
	if (answerIsFinal(answer)) return commit;
	// The relay knows the new token: the request took effect and its answer was lost.
	if (probes.next === 'member') return commit;
	// The relay has forgotten the space: whoever connects first with the claim opens it again, with the new key.
	if (probes.next === 'unclaimed' && probes.current === 'unclaimed') return commit;
	if (probes.current === 'member') {
		// The old key still holds: the change did not happen. A plain "no" ends it; anything else is retried as it was.
		return answer === 'refused' ? { entry: rest, state: 'refused' } : { entry, state: 'waiting' };
	}
	if (probes.next === 'unreachable' || probes.current === 'unreachable' || !probes.next || !probes.current) {
		return { entry, state: 'waiting' };
	}
	// Neither key is a member's: someone else changed it. Keeping ours would change nothing.
	return { entry: rest, state: 'refused' };
}

/**
 * The entry after carrying a key changed elsewhere (`previousSecret` → `secret`) to a
 * relay that refused the new key: done once the relay knows the new key (changed now or
 * before, or it has forgotten the space), given up when it knows neither key, and
 * kept for another attempt when the relay could not be asked.
 */
export function settleCarriedKey(entry: SpaceEntry, answer: RotationAnswer, probes: RotationProbes): RotationStep {
	if (!entry.previousSecret) return { entry, state: 'done' };
	const { previousSecret: _, ...rest } = entry;
	if (answerIsFinal(answer) || probes.next === 'member' || probes.next === 'unclaimed') return { entry: rest, state: 'done' };
	if (probes.next === 'unreachable' || probes.current === 'unreachable' || !probes.next || !probes.current) return { entry, state: 'waiting' };
	// The old key still opens the space there, yet the change was refused: ask again later.
	if (probes.current === 'member') return { entry, state: 'waiting' };
	return { entry: rest, state: 'refused' };
}
