// `npm start`: builds what changed since the last start (everything on a fresh clone),
// then runs the relay, which serves the app, and says which address to open.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TARGETS, needsBuild, sourceStamp, writeStamp } from './build-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const [name, target] of Object.entries(TARGETS)) {
	if (!needsBuild(root, target)) {
		process.stderr.write(`Passerelle: the ${name} is up to date, not rebuilding it.\n`);
		continue;
	}
	const stamp = sourceStamp(root, target);
	const build = spawnSync(npm, ['run', target.script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
	if (build.status !== 0) process.exit(build.status ?? 1);
	writeStamp(root, target, stamp);
}

// The relay's log stays as it is (one JSON object a line, for log tools); its line naming
// the addresses to open is also said plainly.
const relay = spawn(process.execPath, [join(root, 'sync-server/dist/main.js')], {
	cwd: root,
	stdio: ['inherit', 'pipe', 'inherit']
});
createInterface({ input: relay.stdout }).on('line', (line) => {
	process.stdout.write(`${line}\n`);
	try {
		const entry = JSON.parse(line);
		if (Array.isArray(entry.urls) && entry.urls.length > 0) {
			const [first, ...others] = entry.urls;
			process.stderr.write(`\nPasserelle: open ${first} in a browser\n`);
			for (const url of others) process.stderr.write(`            or ${url} from a phone on the same network\n`);
			process.stderr.write('\n');
		}
	} catch {
		// Not a log line: already passed on.
	}
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => relay.kill(signal));
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
