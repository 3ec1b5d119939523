// The summary table of the relay benchmark: one row per figure, ours against the reference.

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
