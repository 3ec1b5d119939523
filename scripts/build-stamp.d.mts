export interface BuildTarget {
	/** The npm script that builds it. */
	script: string;
	/** Files and folders, relative to the checkout, the build is made from. */
	sources: string[];
	/** Paths under the sources that the build itself writes. */
	skip: string[];
	/** A file that exists once the build has run. */
	output: string;
	/** Where the hash of the sources it was built from is kept. */
	stamp: string;
}
export const TARGETS: { app: BuildTarget; relay: BuildTarget };
export function sourceStamp(root: string, target: BuildTarget): string;
export function needsBuild(root: string, target: BuildTarget): boolean;
export function writeStamp(root: string, target: BuildTarget, stamp: string): void;
