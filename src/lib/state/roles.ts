/** Roles as the pages and forms read them, kept until the decisions or the members change. */
import type { MemberId } from '../domain/core';
import { rolesView, usualHolderNames, type Role } from '../domain/decisions';
import type { SpaceView } from './space.svelte';

/** Each role with its holders and the decision that last changed it. */
export function rolesPanel(view: SpaceView) {
	return view.derive(rolesView);
}

/** The names of those a role is entrusted to, when `me` is not among them; null when `me` may go ahead. */
export function usuallyDoneBy(view: SpaceView, role: Role, me: MemberId): string[] | null {
	return view.derive(usualHolderNames, role, me);
}
