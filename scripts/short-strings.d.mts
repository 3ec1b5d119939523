import type { Plugin } from 'vite';
export const READER_LINE: string;
export const SHORT: number;
export function withShortStrings(source: string): string | null;
export function shortStrings(): Plugin;
