// The command line of the relay benchmark (listed at the top of run.mjs). --rounds sets
// CONFIG.fixedRounds, so that the summary names the number of rounds it took.
import { resolve } from 'node:path';
import { CONFIG } from './config.mjs';

export function parseOptions(args) {
	const value = (name) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
	const only = value('only')?.split(',');
	const relayDist = value('relay-dist');
	const rounds = value('rounds');
	if (rounds !== undefined) CONFIG.fixedRounds = Number(rounds);
	const diskSync = value('disk-sync') ?? null;
	if (diskSync !== null && !['background', 'each-commit'].includes(diskSync)) {
		throw new Error('--disk-sync is background or each-commit');
	}
	return {
		profile: args.includes('--profile'),
		wanted: (phase) => only === undefined || only.includes(phase),
		kinds: value('relays')?.split(',') ?? ['ours', 'reference'],
		relayDist: relayDist === undefined ? null : resolve(relayDist),
		diskSync
	};
}
