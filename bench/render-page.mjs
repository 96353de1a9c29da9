// Browser side of the render benchmark (bundled by bench/render.mjs with esbuild, React in its
// production build). Three ways to show a streamed reply, each fed the same chunks:
//   ours      StreamingMarkdown.append(chunk); renders coalesced per animation frame (as in the chat)
//   ours-flush  the same, but flush() after every chunk: one render per chunk, no coalescing
//   mdit      markdown-it + highlight.js (our configuration) re-rendering the whole message each chunk
//   react     react-markdown + rehype-highlight re-rendering the whole message each chunk (flushSync)
// Chunks arrive one per task, as postMessage'd stream deltas do in a webview.
import { StreamingMarkdown } from '../src/webview/streamingMarkdown';
import { renderMarkdown } from '../src/webview/markdown';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import Markdown from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';

const rehypePlugins = [rehypeHighlight];
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
/** Runs `fn` in a task of its own (a message event), as a streamed delta is handled. */
const inTask = (fn) =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      fn();
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });

let chunks = [];
let current; // { kind, container, handle(chunk), renders(), dispose() }

function makeRenderer(kind, container) {
  if (kind === 'ours' || kind === 'ours-flush') {
    const r = new StreamingMarkdown(container);
    const flush = kind === 'ours-flush';
    return {
      handle(chunk) {
        r.append(chunk);
        if (flush) r.flush();
      },
      setPrefix(text) {
        r.setText(text);
        r.flush();
      },
      renders: () => r.renders,
      dispose() {},
    };
  }
  if (kind === 'mdit') {
    let text = '';
    let renders = 0;
    const show = () => {
      container.innerHTML = renderMarkdown(text);
      renders++;
    };
    return {
      handle(chunk) {
        text += chunk;
        show();
      },
      setPrefix(prefix) {
        text = prefix;
        show();
      },
      renders: () => renders,
      dispose() {},
    };
  }
  if (kind === 'react') {
    const root = createRoot(container);
    let text = '';
    let renders = 0;
    const show = () => {
      flushSync(() => root.render(createElement(Markdown, { rehypePlugins }, text)));
      renders++;
    };
    return {
      handle(chunk) {
        text += chunk;
        show();
      },
      setPrefix(prefix) {
        text = prefix;
        show();
      },
      renders: () => renders,
      dispose: () => root.unmount(),
    };
  }
  throw new Error(`unknown renderer ${kind}`);
}

window.__bench = {
  load(list) {
    chunks = list;
    return chunks.length;
  },

  /** A fresh, visible container and renderer. */
  setup(kind) {
    current?.dispose();
    document.getElementById('messages').replaceChildren();
    const container = document.createElement('div');
    container.className = 'message assistant';
    document.getElementById('messages').append(container);
    current = { kind, container, ...makeRenderer(kind, container) };
    return true;
  },

  /**
   * Streams every chunk, one per message event, and resolves once the final DOM is in place and
   * a frame has laid it out and painted it.
   */
  stream() {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      let i = 0;
      const t0 = performance.now();
      channel.port1.onmessage = (e) => {
        current.handle(e.data);
        if (++i < chunks.length) return;
        // ours renders in the next frame (its callback was queued first); the one after that
        // follows the layout and paint of the final DOM.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            channel.port1.close();
            resolve({ wallMs: performance.now() - t0, renders: current.renders() });
          }),
        );
      };
      for (const c of chunks) channel.port2.postMessage(c);
    });
  },

  /** Sampled mode: puts the view in the state after chunks 0..p-1 (one whole render). */
  async prepare(p) {
    await inTask(() => current.setPrefix(chunks.slice(0, p).join('')));
    await frame();
    await frame();
  },

  /** Sampled mode: handles chunk p (or nothing, to measure the overhead) and waits out its frame. */
  async step(p) {
    await inTask(() => {
      if (p >= 0) current.handle(chunks[p]);
    });
    await frame();
    await frame();
  },

  /** What is on screen: code blocks, highlighted spans, text length; and whether it equals a one-shot render. */
  inspect() {
    const c = current.container;
    const full = chunks.join('');
    const out = {
      codeBlocks: c.querySelectorAll('pre code').length,
      highlightSpans: c.querySelectorAll('[class*="hljs-"]').length,
      tables: c.querySelectorAll('table').length,
      textChars: c.textContent.length,
    };
    if (current.kind !== 'react') {
      const t = document.createElement('template');
      t.innerHTML = renderMarkdown(full);
      const d = document.createElement('div');
      d.append(t.content);
      out.equalsOneShot = d.innerHTML === c.innerHTML;
    }
    return out;
  },
};
