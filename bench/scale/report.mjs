// The figures of bench:scale as a table: medians, sizes, and the large/small ratio
// of each row beside its target.
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

export function median(values) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function show(ms, timeout) {
	if (ms === undefined || Number.isNaN(ms)) return '—';
	if (ms === Infinity) return `> ${timeout} s`;
	return ms < 1000 ? `${ms.toFixed(0)} ms` : seconds(ms);
}

export const mib = (bytes) => (bytes === undefined || Number.isNaN(bytes) ? '—' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const ratio = (a, b) => (a > 0 && Number.isFinite(a) && Number.isFinite(b) ? `${(b / a).toFixed(1)}×` : '—');

export function printTable(results, ROWS, opts) {
	const { small, large } = results;
	const lines = [
		['', 'small', 'large', 'large/small', 'target'],
		...ROWS.map(([key, label, target]) => [label, show(small?.medians[key], opts.timeout), show(large?.medians[key], opts.timeout), ratio(small?.medians[key], large?.medians[key]), target === null ? '—' : `≤ ${show(target, opts.timeout)}`]),
		['JS heap used, on the ledger', mib(small?.extra.heap), mib(large?.extra.heap), ratio(small?.extra.heap, large?.extra.heap), ''],
		['DOM elements, on the ledger', String(small?.extra.nodes ?? '—'), String(large?.extra.nodes ?? '—'), ratio(small?.extra.nodes, large?.extra.nodes), ''],
		['IndexedDB on the device', mib(small?.extra.indexedDB), mib(large?.extra.indexedDB), ratio(small?.extra.indexedDB, large?.extra.indexedDB), ''],
		['stored on the device in all (with caches)', mib(small?.extra.storage), mib(large?.extra.storage), ratio(small?.extra.storage, large?.extra.storage), ''],
		['document (update v1)', mib(small?.extra.document?.v1), mib(large?.extra.document?.v1), ratio(small?.extra.document?.v1, large?.extra.document?.v1), '']
	];
	const widths = lines[0].map((_, i) => Math.max(...lines.map((line) => line[i].length)));
	const format = (line) => `| ${line.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
	console.log(`\nat ${opts.throttle}× CPU slowdown, median of ${opts.runs} run${opts.runs > 1 ? 's' : ''}, offline after sync (join: relay running)`);
	console.log(format(lines[0]));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const line of lines.slice(1)) console.log(format(line));
}
