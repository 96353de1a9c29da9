// Deterministic Markdown replies for the benchmarks: prose with inline markup, lists, tables and
// fenced code blocks in several languages, in the proportions of a long model answer (60 code
// blocks per 400 KB). The same size and seed always give the same text, so runs compare.

export const KB = 1024;

/** mulberry32: a tiny seeded PRNG (uniform in [0, 1)). */
export function prng(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a request stream token model reply buffer chunk render frame parser block list table code ' +
  'function value result error handler timeout retry cache index offset length update state view ' +
  'message client server header body event line byte string number array object key map set ' +
  'returns takes keeps calls reads writes sends builds checks splits joins waits starts stops ' +
  'quickly once only never always first last next each every whole partial final open closed'
).split(' ');

const LANGS = ['ts', 'python', 'rust', 'go', 'bash', 'json', 'sql', 'java', 'css', 'yaml'];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function ident(rand) {
  const a = pick(rand, WORDS);
  const b = pick(rand, WORDS);
  return a + b[0].toUpperCase() + b.slice(1);
}

function sentence(rand) {
  const n = 8 + Math.floor(rand() * 14);
  const words = [];
  for (let i = 0; i < n; i++) {
    let w = pick(rand, WORDS);
    const r = rand();
    if (r < 0.05) w = `\`${ident(rand)}()\``;
    else if (r < 0.08) w = `**${w}**`;
    else if (r < 0.11) w = `*${w}*`;
    else if (r < 0.12) w = `[${w}](https://example.com/docs/${ident(rand)})`;
    words.push(w);
  }
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return words.join(' ') + (rand() < 0.1 ? '?' : '.');
}

function paragraph(rand) {
  const n = 3 + Math.floor(rand() * 4);
  const out = [];
  for (let i = 0; i < n; i++) out.push(sentence(rand));
  return out.join(' ');
}

function bulletList(rand) {
  const lines = [];
  const n = 4 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    lines.push(`- ${sentence(rand)}`);
    if (rand() < 0.3) lines.push(`  - ${sentence(rand)}`, `  - ${sentence(rand)}`);
  }
  return lines.join('\n');
}

function orderedList(rand) {
  const lines = [];
  const n = 3 + Math.floor(rand() * 5);
  for (let i = 1; i <= n; i++) lines.push(`${i}. ${sentence(rand)}`);
  return lines.join('\n');
}

function table(rand) {
  const cols = 3 + Math.floor(rand() * 2);
  const head = Array.from({ length: cols }, () => ident(rand));
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' :--- ' : i === cols - 1 ? ' ---: ' : ' --- ')).join('|')}|`];
  const rows = 4 + Math.floor(rand() * 4);
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: cols }, (_, i) => (i === cols - 1 ? String(Math.floor(rand() * 10000)) : `\`${ident(rand)}\``));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One line of plausible code in `lang`. */
function codeLine(rand, lang, depth) {
  const pad = '  '.repeat(depth);
  const a = ident(rand);
  const b = ident(rand);
  const n = Math.floor(rand() * 1000);
  switch (lang) {
    case 'ts':
      return pad + pick(rand, [`const ${a} = await ${b}(${n}, { retries: 2 });`, `if (${a}.length > ${n}) return ${b}.slice(0, ${n});`, `export function ${a}(${b}: string): number { return ${b}.length * ${n}; }`, `// ${sentence(rand)}`, `${a}.set('${b}', { at: Date.now(), size: ${n} });`]);
    case 'python':
      return pad + pick(rand, [`${a} = ${b}(${n}, retries=2)`, `if len(${a}) > ${n}:`, `    return [x for x in ${b} if x > ${n}]`, `# ${sentence(rand)}`, `def ${a}(self, ${b}: str) -> int:`]);
    case 'rust':
      return pad + pick(rand, [`let ${a} = ${b}(${n}).await?;`, `fn ${a}(${b}: &str) -> Result<usize, Error> { Ok(${b}.len() * ${n}) }`, `match ${a} { Some(x) => x + ${n}, None => 0 }`, `// ${sentence(rand)}`, `impl ${a[0].toUpperCase() + a.slice(1)} for Vec<u8> {}`]);
    case 'go':
      return pad + pick(rand, [`${a} := ${b}(ctx, ${n})`, `if err != nil { return fmt.Errorf("${a}: %w", err) }`, `func ${a}(${b} string) int { return len(${b}) * ${n} }`, `// ${sentence(rand)}`, `for i := 0; i < ${n}; i++ { ${a}[i] = ${b} }`]);
    case 'bash':
      return pad + pick(rand, [`${a.toUpperCase()}=$(${b.toLowerCase()} --limit ${n})`, `if [ -f "$${a.toUpperCase()}" ]; then echo "${b}"; fi`, `# ${sentence(rand)}`, `curl -sS "https://example.com/${a}?n=${n}" | jq '.${b}'`, `for f in *.${a.slice(0, 3)}; do wc -l "$f"; done`]);
    case 'json':
      return `${pad}"${a}": { "${b}": ${n}, "enabled": ${rand() < 0.5}, "name": "${ident(rand)}" },`;
    case 'sql':
      return pad + pick(rand, [`SELECT ${a}, COUNT(*) FROM ${b} WHERE size > ${n} GROUP BY ${a};`, `INSERT INTO ${a} (${b}, n) VALUES ('${ident(rand)}', ${n});`, `-- ${sentence(rand)}`, `UPDATE ${a} SET ${b} = ${n} WHERE id = ${n + 1};`]);
    case 'java':
      return pad + pick(rand, [`final var ${a} = ${b}.get(${n});`, `public int ${a}(String ${b}) { return ${b}.length() * ${n}; }`, `// ${sentence(rand)}`, `if (${a} == null) throw new IllegalStateException("${b}");`]);
    case 'css':
      return pad + pick(rand, [`.${a} { margin: ${n % 32}px; color: #${(n * 4099).toString(16).slice(0, 6).padEnd(6, '0')}; }`, `.${a} > .${b}:hover { opacity: 0.${n % 10}; }`, `/* ${sentence(rand)} */`]);
    case 'yaml':
    default:
      return pad + pick(rand, [`${a}: ${n}`, `${b}:`, `  - name: ${ident(rand)}`, `# ${sentence(rand)}`, `  enabled: ${rand() < 0.5}`]);
  }
}

function codeBlock(rand, lang) {
  const lines = [];
  const n = 25 + Math.floor(rand() * 25);
  let depth = 0;
  for (let i = 0; i < n; i++) {
    lines.push(codeLine(rand, lang, depth));
    depth = Math.max(0, Math.min(3, depth + (rand() < 0.3 ? 1 : rand() < 0.3 ? -1 : 0)));
  }
  const body = lang === 'json' ? `{\n${lines.join('\n')}\n  "end": true\n}` : lines.join('\n');
  return '```' + lang + '\n' + body + '\n```';
}

/**
 * A reply of about `bytes` bytes (ASCII, so characters = bytes; a little under, never over) with
 * 60 fenced code blocks per 400 KB, one per section; each section is filled with prose paragraphs
 * up to its share of the size.
 */
export function generateReply(bytes, seed = 1) {
  const rand = prng(seed);
  const sections = Math.max(1, Math.round((60 * bytes) / (400 * KB)));
  const perSection = bytes / sections;
  const parts = [];
  let total = 0;
  for (let s = 0; s < sections; s++) {
    const budget = Math.round(perSection * (s + 1) - total);
    const blocks = [`## ${s + 1}. ${sentence(rand).replace(/[*`[\]().?]/g, '')}`];
    blocks.push(paragraph(rand));
    blocks.push(s % 2 === 0 ? bulletList(rand) : orderedList(rand));
    if (s % 3 === 0) blocks.push(table(rand));
    blocks.push(codeBlock(rand, LANGS[s % LANGS.length]));
    // prose fills the section to its share; the fixed blocks are never cut
    let text = blocks.join('\n\n') + '\n\n';
    for (;;) {
      const more = paragraph(rand) + '\n\n';
      if (text.length + more.length > budget) break;
      text += more;
    }
    parts.push(text);
    total += text.length;
  }
  return parts.join('');
}

/** Splits `text` into exactly `count` chunks of varied size (mean ± 50 %), deterministically. */
export function splitChunks(text, count, seed = 7) {
  const rand = prng(seed);
  const weights = Array.from({ length: count }, () => 0.5 + rand());
  const sum = weights.reduce((a, b) => a + b, 0);
  const chunks = [];
  let at = 0;
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += weights[i];
    const end = i === count - 1 ? text.length : Math.round((acc / sum) * text.length);
    chunks.push(text.slice(at, Math.max(at, end)));
    at = Math.max(at, end);
  }
  return chunks;
}

/** How many fenced code blocks `text` has (opening fences at line start). */
export function countFences(text) {
  return (text.match(/^```\w+$/gm) ?? []).length;
}
