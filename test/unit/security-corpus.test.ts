// The hostile-reply corpus of the UI security suite (test/ui/fixtures/hostile-corpus.ts), rendered
// here in jsdom by the webview's own renderers — one-shot and streamed at every chunk size from 1 to
// 7 characters — so a regression shows up in seconds, before the real-Chromium run. The UI suite
// proves the same in the real webview (nothing runs, nothing is fetched); this proves the markup.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { CANARY_TOKEN, HOSTILE_REPLIES, hostileCorpus } from '../ui/fixtures/hostile-corpus';
import { renderMarkdown } from '../../src/webview/markdown';
import { StreamingMarkdown } from '../../src/webview/streamingMarkdown';

const document = new JSDOM('<!doctype html><body></body>').window.document;
const CANARY = '127.0.0.1:9';

/** Elements that could run, load or navigate; none may come out of a reply. */
const FORBIDDEN =
  'script, img, picture, svg, math, iframe, frame, frameset, object, embed, video, audio, source, track, style, link, meta, base, form, input, button:not(.code-action), textarea, select, template, marquee, area, map, isindex';
const URL_ATTRS = ['src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster', 'ping', 'xlink:href', 'data', 'style'];

function problems(root: Element): string[] {
  const out: string[] = [];
  for (const el of Array.from(root.querySelectorAll(FORBIDDEN))) out.push(`<${el.localName}>`);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) out.push(`${a.name} on <${el.localName}>`);
      if (URL_ATTRS.includes(a.name.toLowerCase())) out.push(`${a.name} on <${el.localName}>`);
    }
    const href = el.getAttribute('href');
    if (href !== null) {
      if (el.localName !== 'a') out.push(`href on <${el.localName}>`);
      const squashed = href.replace(/[\s\u0000-\u001f\u200b\u2028\u2029]/g, '').toLowerCase();
      // Other schemes (command:, vscode:, …) may stay: a click only posts the href to the host, which
      // opens http(s)/mailto only (the UI suite clicks such links).
      if (/^(javascript|vbscript|file):/.test(squashed) || (/^data:/.test(squashed) && !/^data:image\/(gif|png|jpeg|webp);/.test(squashed))) {
        out.push(`href ${href.slice(0, 60)}`);
      }
    }
  }
  return out;
}

function oneShot(md: string): HTMLElement {
  const div = document.createElement('div');
  const t = document.createElement('template');
  t.innerHTML = renderMarkdown(md);
  div.append(t.content);
  return div;
}

function streamed(md: string, chunk: number): HTMLElement {
  const div = document.createElement('div');
  const r = new StreamingMarkdown(div, { schedule: () => {} });
  for (let i = 0; i < md.length; i += chunk) {
    r.append(md.slice(i, i + chunk));
    r.flush();
    const p = problems(div);
    if (p.length) throw new Error(`after ${i + chunk} chars: ${p.join(', ')}`);
  }
  r.flush();
  return div;
}

describe('security: the hostile-reply corpus in the webview renderer', function () {
  this.timeout(300_000); // jsdom on a busy machine; nothing here is timed
  const corpus = hostileCorpus(CANARY);

  it('has at least 150 replies with unique names, all canary URLs substituted', () => {
    assert.ok(corpus.length >= 150, `${corpus.length} replies`);
    assert.equal(new Set(corpus.map((r) => r.name)).size, corpus.length);
    assert.ok(HOSTILE_REPLIES.some((r) => r.markdown.includes(CANARY_TOKEN)));
    assert.ok(corpus.every((r) => !r.markdown.includes(CANARY_TOKEN)));
  });

  it('one-shot: nothing that runs, loads or navigates', () => {
    const failures = corpus.flatMap((r) => problems(oneShot(r.markdown)).map((p) => `${r.name}: ${p}`));
    assert.deepEqual(failures, []);
  });

  it('streamed at every chunk size from 1 to 7: safe after every frame, same text as one-shot', () => {
    for (const r of corpus) {
      const whole = oneShot(r.markdown).textContent;
      for (let chunk = 1; chunk <= 7; chunk++) {
        let div: HTMLElement;
        try {
          div = streamed(r.markdown, chunk);
        } catch (err) {
          throw new Error(`${r.name}, chunk ${chunk}: ${(err as Error).message}`);
        }
        assert.deepEqual(problems(div), [], `${r.name}, chunk ${chunk}`);
        assert.equal(div.textContent, whole, `${r.name}, chunk ${chunk}: streamed text differs from one-shot`);
      }
    }
  });

  it('every image is text showing its full URL, secrets included', () => {
    for (const r of corpus.filter((x) => /!\[[^\]]*\]\(http:\/\/127\.0\.0\.1:9\/\?k=SECRET\)/.test(x.markdown))) {
      const urls = Array.from(oneShot(r.markdown).querySelectorAll('.md-image-url'), (e) => e.textContent);
      assert.ok(urls.includes(`http://${CANARY}/?k=SECRET`), r.name);
    }
    const ref = oneShot(corpus.find((r) => r.name === 'ref image canary')!.markdown);
    assert.deepEqual(Array.from(ref.querySelectorAll('.md-image-url'), (e) => e.textContent), [`http://${CANARY}/ref.png?k=SECRET`]);
  });
});
