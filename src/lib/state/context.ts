import { getContext, setContext } from 'svelte';
import type { SpaceView } from './space.svelte';

const KEY = Symbol('space');

/** The open space's view, for the pages under /s/[id]. A getter, so it follows navigation. */
export function provideSpace(get: () => SpaceView): void {
	setContext(KEY, get);
}

export function useSpace(): () => SpaceView {
	return getContext<() => SpaceView>(KEY);
}

/** The same, for components also used outside a space (a form on the first screen): undefined there. */
export function useSpaceIfAny(): (() => SpaceView) | undefined {
	return getContext<(() => SpaceView) | undefined>(KEY);
}
