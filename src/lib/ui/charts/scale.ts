/**
 * The arithmetic of the charts, apart from their drawing so that it can be
 * tested in Node: where a value falls between the lowest and highest shown,
 * and round ticks for the axis.
 */

/** The range a chart shows: zero always in it, so that bars start from the axis and a fall below zero shows. */
export function valueRange(values: readonly number[]): { min: number; max: number } {
	let min = 0;
	let max = 0;
	for (const v of values) {
		if (v < min) min = v;
		if (v > max) max = v;
	}
	if (min === max) max = min + 1;
	return { min, max };
}

/** The position of `value` from the bottom (0) to the top (`height`) of a chart showing `range`. */
export function heightOf(value: number, range: { min: number; max: number }, height: number): number {
	return ((value - range.min) / (range.max - range.min)) * height;
}

/** Every chart's drawing box: its width, the room above for the highest value, the plot, and the room below for labels. */
export const WIDTH = 320;
export const TOP = 16;
export const PLOT = 120;
export const BOTTOM = 22;
