// package.json as VS Code shows it: every "%key%" string replaced by its value in package.nls.json
// (what VS Code does in the default language), and the check that every user-visible manifest
// string is such a key (manifestL10nProblems).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const rawManifest = (): Record<string, Json> => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const manifestStrings = (): Record<string, string> => JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8'));

const PLACEHOLDER = /^%([^%\s]+)%$/;

/** Replaces placeholders throughout `value`, as VS Code's manifest reader does. */
export function localise<T>(value: T, strings: Record<string, string>): T {
  const walk = (v: Json): Json => {
    if (typeof v === 'string') {
      const m = PLACEHOLDER.exec(v);
      return m && strings[m[1]] !== undefined ? strings[m[1]] : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value as Json) as T;
}

/** The manifest in English, typed as the caller reads it. */
export function localisedManifest<T = Record<string, Json>>(): T {
  return localise(rawManifest(), manifestStrings()) as T;
}

/** Properties of a contribution whose strings people read (VS Code shows them in its UI). */
const VISIBLE = new Set([
  'title', 'shortTitle', 'category', 'label', 'name', 'contextualTitle', 'displayName', 'description', 'markdownDescription',
  'enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels', 'patternErrorMessage', 'deprecationMessage',
  'markdownDeprecationMessage', 'altText', 'detail', 'fullName', 'placeholder',
]);
/** Top-level properties people read (the rest — name, publisher, categories, keywords — are identifiers). */
const TOP_LEVEL = ['displayName', 'description'];
/** Inside these, a "name"/"title"… is a schema or id, not words (JSON schemas in settings have titles too). */
const NOT_WORDS = new Set(['default', 'examples', 'enum', 'const', 'pattern', 'when', 'command', 'id', 'icon', 'type']);

/**
 * What is wrong with the manifest's localisation: a user-visible string that is not a "%key%", a key
 * without a value in package.nls.json, a value that is empty, or a value no placeholder uses.
 */
export function manifestL10nProblems(manifest: Record<string, Json>, strings: Record<string, string>): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  const check = (path: string, v: Json) => {
    if (typeof v !== 'string') return;
    const m = PLACEHOLDER.exec(v);
    if (!m) problems.push(`${path}: "${v}" is not a %key%`);
    else if (strings[m[1]] === undefined) problems.push(`${path}: %${m[1]}% has no value in package.nls.json`);
    else used.add(m[1]);
  };
  const walk = (path: string, v: Json, visible: boolean): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(`${path}[${i}]`, x, visible));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (NOT_WORDS.has(k)) continue;
        walk(`${path}.${k}`, x, VISIBLE.has(k));
      }
    } else if (visible) check(path, v);
  };
  for (const key of TOP_LEVEL) check(key, manifest[key]);
  walk('capabilities', manifest.capabilities ?? null, false);
  walk('contributes', manifest.contributes ?? null, false);
  // any other placeholder (wherever it is) must resolve too
  const all = (v: Json): void => {
    if (typeof v === 'string') {
      const m = PLACEHOLDER.exec(v);
      if (m) {
        if (strings[m[1]] === undefined) problems.push(`%${m[1]}% has no value in package.nls.json`);
        used.add(m[1]);
      }
    } else if (Array.isArray(v)) v.forEach(all);
    else if (v && typeof v === 'object') Object.values(v).forEach(all);
  };
  all(manifest);
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`package.nls.json: ${key} is empty`);
    if (!used.has(key)) problems.push(`package.nls.json: ${key} is not used by package.json`);
  }
  return [...new Set(problems)];
}
