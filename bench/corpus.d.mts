// Types of bench/corpus.mjs for the TypeScript parts (bench/pace.ts).
export const KB: number;
export function prng(seed: number): () => number;
export function generateReply(bytes: number, seed?: number): string;
export function splitChunks(text: string, count: number, seed?: number): string[];
export function countFences(text: string): number;
