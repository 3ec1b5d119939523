// The summary table of the relay benchmark: one row per figure, ours against the reference.
import { CONFIG } from './config.mjs';

export const fmt = (value, digits = 0) =>
	value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);

/** A figure's row: both values, their ratio, the target and whether ours meets it. */
export function row(name, ours, reference, digits, target, check) {
	const ratio = ours !== undefined && reference ? ours / reference : NaN;
	const met =
		target === '(info)' ? '' : ours === undefined || reference === undefined ? '-' : check(ours, reference) ? 'yes' : 'NO';
	return [name, fmt(ours, digits), fmt(reference, digits), fmt(ratio, 2), target, met];
}

export function printTable(rows) {
	const header = ['figure', 'ours', 'reference', 'ours/ref', 'target', 'met'];
	const all = [header, ...rows];
	const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
	const line = (r) => r.map((cell, i) => (i === 0 || i >= 4 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const r of rows) console.log(line(r));
}

/** Both ramps ended at the last rate without passing the limit. */
const bothAtCeiling = (ours, reference) =>
	ours !== undefined && reference !== undefined && ours.failedAt === null && reference.failedAt === null;

/**
 * The throughput row. When both ramps end without passing the limit, the figures are
 * lower bounds set by the load generator: ours must then be within 5% of the reference.
 */
function throughputRow(ours, reference) {
	const name = '[1] fanned-out updates/s, p99 <= 100 ms';
	if (!bothAtCeiling(ours, reference)) {
		return row(name, ours?.fanout, reference?.fanout, 0, '>= reference', (a, b) => a >= b);
	}
	const cells = row(name, ours.fanout, reference.fanout, 0, '>= reference', (a, b) => a >= b * 0.95);
	if (cells[5] === 'yes') cells[5] = 'tie';
	return cells;
}

/** The summary of a run: `results` holds each relay's figures by phase. */
export function printSummary(results, seconds) {
	const o = results.ours;
	const r = results.reference;
	console.log(`\nsummary (${fmt(seconds)} s)`);
	const rounds = `(median of ${CONFIG.fixedRounds} rounds)`;
	printTable([
		throughputRow(o.ramp, r.ramp),
		row(`[2] p50 ms at ${CONFIG.fixedRate} edits/s ${rounds}`, o.fixed?.p50, r.fixed?.p50, 2, '(info)', () => true),
		row(`[2] p99 ms at ${CONFIG.fixedRate} edits/s ${rounds}`, o.fixed?.p99, r.fixed?.p99, 2, '<= reference', (a, b) => a <= b),
		row(`[3] sync ${CONFIG.syncEntries} entries, ms (median)`, o.sync?.warm, r.sync?.warm, 1, '<= reference', (a, b) => a <= b),
		row('[3]   of which until the answer is in, ms', o.sync?.answered, r.sync?.answered, 1, '(info)', () => true),
		row('[3]   ours with the room unloaded first', o.sync?.cold ?? undefined, r.sync?.warm, 1, '(info)', () => true),
		row('[4] KiB per idle room, after idle delay', o.memory?.idle, r.memory?.idle, 1, '<= reference / 2', (a, b) => a <= b / 2),
		row('[4] KiB per idle room, still loaded', o.memory?.loaded, r.memory?.loaded, 1, '<= reference / 2', (a, b) => a <= b / 2),
		row('[4]   heap+external KiB/room, loaded', o.memory?.heapLoaded, r.memory?.heapLoaded, 1, '(info)', () => true),
		row('[5] relay cpu ms per fresh sync, one at a time', o.rejoin?.oneCpu, r.rejoin?.oneCpu, 1, '<= reference', (a, b) => a <= b),
		row('[5]   time until applied, ms (median)', o.rejoin?.oneApplied, r.rejoin?.oneApplied, 1, '(info)', () => true),
		row(`[5] relay cpu ms per fresh sync, ${CONFIG.rejoinBurst} at once`, o.rejoin?.burstCpu, r.rejoin?.burstCpu, 1, '<= reference', (a, b) => a <= b),
		row(`[5]   until the last of ${CONFIG.rejoinBurst} applied, ms`, o.rejoin?.burstLast, r.rejoin?.burstLast, 0, '(info)', () => true),
		row(`[5] relay cpu ms per sync, ${CONFIG.rejoinBurst} holding all but one edit`, o.rejoin?.backCpu, r.rejoin?.backCpu, 1, '<= reference', (a, b) => a <= b),
		row(`[5]   until the last of them is up to date, ms`, o.rejoin?.backLast, r.rejoin?.backLast, 0, '(info)', () => true)
	]);
	if (bothAtCeiling(o.ramp, r.ramp)) {
		console.log(
			'note [1]: neither relay passed the limit before the load generator ran out of core; both figures are' +
				' lower bounds, and within 5% of each other count as a tie. Compare the relays at the last steps above.'
		);
	}
	if ([o.ramp?.failedAt, r.ramp?.failedAt].some((f) => f?.generatorBound)) {
		console.log('note: a ramp stopped at a step where the load generator itself was saturated; see the steps above.');
	}
}
