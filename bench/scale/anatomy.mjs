// Where the bytes and the load time of a generated space go: decode time of
// the whole update, bytes per top-level structure, bytes per record and the
// keys that dominate them. Reads a space kept under bench/.cache/ by the scale
// bench (`npm run bench:scale` writes it); no browser.
//   node bench/scale/anatomy.mjs [path/to/space.bin]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';

const cache = join(import.meta.dirname, '../.cache');
const file = process.argv[2] ?? join(cache, readdirSync(cache).filter((f) => f.startsWith('large-') && f.endsWith('.bin'))
	.sort((a, b) => statSync(join(cache, b)).mtimeMs - statSync(join(cache, a)).mtimeMs)[0]);
// The kept file is the sequence of updates as the generator wrote them.
const mib = (n) => (n / 1048576).toFixed(2) + ' MiB';
const raw = readFileSync(file);
const decoder = decoding.createDecoder(raw);
const updates = [];
while (decoding.hasContent(decoder)) updates.push(decoding.readVarUint8Array(decoder));
{
	const d = new Y.Doc();
	const t = performance.now();
	for (const u of updates) Y.applyUpdate(d, u);
	const applied = performance.now() - t;
	const t2 = performance.now();
	const merged = Y.mergeUpdates(updates);
	console.log(`${file}: ${updates.length} updates, ${mib(raw.length)}; applied one by one in ${applied.toFixed(0)} ms; mergeUpdates ${mib(merged.length)} in ${(performance.now() - t2).toFixed(0)} ms`);
	globalThis.update = Y.encodeStateAsUpdate(d);
}
const update = globalThis.update;
console.log(`compacted state (update v1): ${mib(update.length)}`);

const times = [];
let doc;
for (let i = 0; i < 3; i++) {
	doc = new Y.Doc();
	const t = performance.now();
	Y.applyUpdate(doc, update);
	times.push(performance.now() - t);
}
console.log(`Y.applyUpdate into a fresh doc: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
let t = performance.now();
const v2 = Y.encodeStateAsUpdateV2(doc);
console.log(`update v2: ${mib(v2.length)}; encode v2 ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
Y.applyUpdateV2(new Y.Doc(), v2);
console.log(`Y.applyUpdateV2 into a fresh doc: ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
const v1 = Y.encodeStateAsUpdate(doc);
console.log(`re-encoded v1: ${mib(v1.length)} in ${(performance.now() - t).toFixed(0)} ms`);

// Per top-level structure: a copy with every other structure deleted (Yjs then
// keeps only tombstone ranges of them), minus a copy with all deleted.
const names = [...doc.share.keys()];
const clear = (d, keep) => d.transact(() => {
	for (const name of names) {
		if (name === keep) continue;
		const type = d.share.get(name);
		const kind = type._map.size > 0 ? 'map' : 'array';
		if (kind === 'map') { const m = d.getMap(name); for (const k of [...m.keys()]) m.delete(k); }
		else { const a = d.getArray(name); if (a.length) a.delete(0, a.length); }
	}
});
const sizeOf = (keep) => { const d = new Y.Doc(); Y.applyUpdate(d, update); clear(d, keep); return [Y.encodeStateAsUpdate(d).length, Y.encodeStateAsUpdateV2(d).length]; };
const [base1, base2] = sizeOf(null);
console.log(`\nall structures deleted (tombstones, ids): v1 ${mib(base1)}, v2 ${mib(base2)}`);
const rows = [];
for (const name of names) {
	const type = doc.share.get(name);
	const count = type._map.size > 0 ? doc.getMap(name).size : doc.getArray(name).length;
	const [s1, s2] = sizeOf(name);
	rows.push({ name, count, v1: s1 - base1, v2: s2 - base2 });
}
rows.sort((a, b) => b.v1 - a.v1);
for (const r of rows) console.log(`${r.name.padEnd(24)} ${String(r.count).padStart(7)} items  v1 ${mib(r.v1).padStart(10)} (${(100 * r.v1 / update.length).toFixed(1)}%)  v2 ${mib(r.v2).padStart(10)}  ${r.count ? (r.v1 / r.count).toFixed(0) : '-'} B/item`);

// Keys that dominate each large structure: JSON characters per key.
for (const r of rows.slice(0, 6)) {
	const type = doc.share.get(r.name);
	const json = type._map.size > 0 ? Object.values(doc.getMap(r.name).toJSON()) : doc.getArray(r.name).toJSON();
	const perKey = new Map();
	let sample;
	const walk = (v, prefix) => {
		if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) { perKey.set(prefix + k, (perKey.get(prefix + k) ?? 0) + k.length + JSON.stringify(x ?? null).length); }
	};
	for (const v of json) { sample ??= v; walk(v, ''); }
	const total = [...perKey.values()].reduce((a, b) => a + b, 0);
	console.log(`\n${r.name}: ${json.length} records, ${(total / Math.max(1, json.length)).toFixed(0)} JSON chars each; by key:`);
	for (const [k, n] of [...perKey].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${k.padEnd(20)} ${(100 * n / total).toFixed(1)}%`);
	console.log('  e.g. ' + JSON.stringify(sample).slice(0, 400));
}

// What a first load would decode if a structure lived in a document of its
// own: each part rebuilt into a fresh document (no tombstones of the others),
// then timed. Decode time follows the number of Yjs items, not the bytes: an
// entity kept as a Y.Map costs one item per field, a record pushed as a plain
// object one item per batch.
const names2 = [...doc.share.keys()];
const rebuild = (keep, filter = () => true) => {
	const d = new Y.Doc();
	d.transact(() => {
		for (const n of keep) {
			const type = doc.share.get(n);
			if (type._map.size > 0) {
				const from = doc.getMap(n), to = d.getMap(n);
				for (const [k, v] of from.entries()) {
					if (!filter(n, v)) continue;
					if (v instanceof Y.Map) { const x = new Y.Map(); to.set(k, x); for (const [kk, vv] of v.entries()) x.set(kk, vv instanceof Y.AbstractType ? vv.toJSON() : vv); }
					else to.set(k, v instanceof Y.AbstractType ? v.toJSON() : v);
				}
			} else d.getArray(n).push(doc.getArray(n).toArray().map((v) => (v instanceof Y.AbstractType ? v.toJSON() : v)));
		}
	});
	return Y.encodeStateAsUpdate(d);
};
const best = (u) => { let b = Infinity; for (let i = 0; i < 3; i++) { const d = new Y.Doc(); const s = performance.now(); Y.applyUpdate(d, u); b = Math.min(b, performance.now() - s); } return b; };
// An entry's date is its own key once edited, else under its recorded fields (`f.d`), or its own key in entries written field by field.
const entryDate = (e) => e.get('date') ?? e.get('f')?.d ?? '';
const latestYear = [...doc.getMap('ledger').values()].reduce((y, e) => (entryDate(e) > y ? entryDate(e) : y), '').slice(0, 4);
const thisYear = (n, v) => n !== 'ledger' || entryDate(v) >= latestYear;
console.log('\nfresh documents holding a part of the space (decode, best of 3):');
for (const [label, u] of [
	['everything', rebuild(names2)],
	['all but activity', rebuild(names2.filter((n) => n !== 'activity'))],
	[`all but activity, ledger of ${latestYear} only`, rebuild(names2.filter((n) => n !== 'activity'), thisYear)],
	['all but activity and ledger', rebuild(names2.filter((n) => n !== 'activity' && n !== 'ledger'))],
	['activity alone', rebuild(['activity'])],
	['ledger alone', rebuild(['ledger'])]
]) console.log(`  ${label.padEnd(44)} ${mib(u.length).padStart(10)}  ${best(u).toFixed(0)} ms`);
