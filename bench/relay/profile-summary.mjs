// Reads a .cpuprofile written by node --cpu-prof and lists the functions that took the
// most time: self time (where the samples landed) and total time (samples with the
// function anywhere on the stack, each sample counted once per function).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

function keyOf(node) {
	const { functionName, url, lineNumber } = node.callFrame;
	const where = url ? ` ${basename(url)}:${lineNumber + 1}` : '';
	return `${functionName || '(anonymous)'}${where}`;
}

export function summarizeProfile(file, top = 15) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const self = new Map();
	const total = new Map();
	let all = 0;
	profile.samples.forEach((id, i) => {
		const micros = profile.timeDeltas[i] ?? 0;
		all += micros;
		const leaf = keyOf(nodes.get(id));
		self.set(leaf, (self.get(leaf) ?? 0) + micros);
		const seen = new Set();
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const key = keyOf(nodes.get(at));
			if (seen.has(key)) continue;
			seen.add(key);
			total.set(key, (total.get(key) ?? 0) + micros);
		}
	});
	const busy = all - (self.get('(idle)') ?? 0);
	const rows = (map) =>
		[...map]
			.filter(([key]) => !['(root)', '(idle)', '(program)'].includes(key))
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([key, micros]) => `  ${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${key}`);
	return [
		`profile ${basename(file)}: ${(all / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle ` +
			`(of which "(program)", native work outside JS frames: ${((self.get('(program)') ?? 0) / 1e6).toFixed(1)} s, ` +
			`garbage collection: ${((self.get('(garbage collector)') ?? 0) / 1e6).toFixed(1)} s)`,
		'self time (share of the non-idle time):',
		...rows(self),
		'total time, callees included:',
		...rows(total)
	].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 20)));
}
