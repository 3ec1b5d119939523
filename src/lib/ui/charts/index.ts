/**
 * The charts, loaded only by the pages that show them (`import()`), so that
 * the first visit does not carry them.
 */
export { default as BarChart } from './BarChart.svelte';
export { default as LineChart } from './LineChart.svelte';
