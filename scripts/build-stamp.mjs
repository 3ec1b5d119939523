// What the builds are made from, as one hash per build, so that `npm start` rebuilds only
// when a source changed. Contents are hashed, not dates: a fresh clone or a checkout
// touches every file without changing what the build would produce.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The two builds: the files and folders each is made from, what proves it exists, and where its stamp is kept. */
export const TARGETS = {
	app: {
		script: 'build:app',
		sources: [
			'src',
			'static',
			'messages',
			'project.inlang/settings.json',
			'sync-server/src/protocol/wire.ts',
			'svelte.config.js',
			'vite.config.ts',
			'scripts/short-strings.mjs',
			'tsconfig.json',
			'package.json',
			'package-lock.json'
		],
		// Generated from messages/ by the build itself.
		skip: ['src/lib/paraglide'],
		output: 'build/index.html',
		stamp: 'build/.source-stamp'
	},
	relay: {
		script: 'build:relay',
		sources: ['sync-server/src', 'sync-server/tsconfig.json', 'package.json', 'package-lock.json'],
		skip: [],
		output: 'sync-server/dist/main.js',
		stamp: 'sync-server/dist/.source-stamp'
	}
};

/** Test files change no build. */
const isTest = (name) => /\.test\.[cm]?[jt]s$/.test(name);

function listFiles(root, entry, skip, into) {
	const path = join(root, entry);
	const stats = statSync(path, { throwIfNoEntry: false });
	if (!stats) return;
	const name = relative(root, path).split(sep).join('/');
	if (skip.some((s) => name === s || name.startsWith(`${s}/`))) return;
	if (stats.isDirectory()) {
		for (const child of readdirSync(path).sort()) listFiles(root, join(entry, child), skip, into);
	} else if (stats.isFile() && !isTest(name)) {
		into.push(name);
	}
}

/** One hash over the names and contents of every source file of `target` under `root`. */
export function sourceStamp(root, target) {
	const files = [];
	for (const entry of target.sources) listFiles(root, entry, target.skip, files);
	const hash = createHash('sha256');
	for (const name of files) {
		hash.update(`${name}\0`);
		hash.update(readFileSync(join(root, name)));
		hash.update('\0');
	}
	return hash.digest('hex');
}

/** Whether `target` must be built: its output is missing, or was built from other sources. */
export function needsBuild(root, target) {
	if (!existsSync(join(root, target.output))) return true;
	const stamp = join(root, target.stamp);
	if (!existsSync(stamp)) return true;
	return readFileSync(stamp, 'utf8').trim() !== sourceStamp(root, target);
}

/** Records what a build was made from; `stamp` is the hash taken before it began. */
export function writeStamp(root, target, stamp) {
	writeFileSync(join(root, target.stamp), `${stamp}\n`);
}
