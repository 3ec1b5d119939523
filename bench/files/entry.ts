// The bundle code the app runs, and Yjs, for the page of bench/files/run.mjs.
import * as Y from 'yjs';
import { bundleKeys, exportBundle, importBundle } from '../../src/lib/sync/bundle';

(window as unknown as { bench: unknown }).bench = { Y, bundleKeys, exportBundle, importBundle };
