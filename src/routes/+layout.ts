// A single-page app: the browser's copy is the primary one, nothing renders on a server.
export const ssr = false;
export const prerender = false;
