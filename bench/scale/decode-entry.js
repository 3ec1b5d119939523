// Yjs for the page of decode-browser.mjs, which bundles this file.
import * as Y from 'yjs';
window.Y = Y;
