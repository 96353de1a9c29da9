// The frozen-block groups of a streaming reply (src/webview/streamingMarkdown.ts): while it streams,
// the body holds a few wrappers plus the tail instead of thousands of blocks; finish() leaves
// exactly the DOM of a one-shot render.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import { FROZEN_GROUP_CLASS, StreamingMarkdown } from '../../src/webview/streamingMarkdown';
import { htmlWithoutGroups, oneShotHtml } from './helpers/frozenGroups';

const document = new JSDOM('<!doctype html><html><body></body></html>').window.document;

function oneShot(text: string): string {
  return oneShotHtml(document, text);
}

/** A long reply: numbered paragraphs, with a list and a code block now and then. */
function longReply(blocks: number): string {
  const parts: string[] = [];
  for (let i = 0; i < blocks; i++) {
    if (i % 25 === 7) parts.push(`- item ${i}\n- item ${i} b`);
    else if (i % 25 === 19) parts.push('```ts\nconst x = ' + i + ';\n```');
    else parts.push(`Paragraph ${i} with \`code\` and *emphasis*.`);
  }
  return parts.join('\n\n') + '\n';
}

function stream(text: string, piece: number): { container: HTMLElement; r: StreamingMarkdown } {
  const container = document.createElement('div');
  const r = new StreamingMarkdown(container, { schedule: () => undefined });
  for (let i = 0; i < text.length; i += piece) {
    r.append(text.slice(i, i + piece));
    r.flush();
  }
  return { container, r };
}

const groupsOf = (container: HTMLElement) => Array.from(container.children).filter((c) => c.classList.contains(FROZEN_GROUP_CLASS));

describe('webview streaming markdown: frozen-block groups', function () {
  this.timeout(60_000);

  it('while streaming, the body holds few children (groups + the tail); the content equals a one-shot render', () => {
    const text = longReply(600);
    const { container } = stream(text, 97);
    const groups = groupsOf(container);
    assert.ok(groups.length >= 9 && groups.length <= 12, `${groups.length} groups for 600 blocks`);
    for (const g of groups) assert.ok(g.children.length <= 64 + 2, `a group holds ${g.children.length} blocks`);
    assert.ok(container.childNodes.length <= groups.length + 3, `${container.childNodes.length} direct children`);
    // Groups come first, then the tail: nothing frozen after the block still being written.
    const firstTail = Array.from(container.childNodes).findIndex((n) => !(n as Element).classList?.contains(FROZEN_GROUP_CLASS));
    assert.equal(firstTail, groups.length);
    assert.equal(htmlWithoutGroups(container), oneShot(text));
  });

  it('finish() takes the groups out: the DOM is exactly the one-shot render, and the frozen nodes are kept', () => {
    const text = longReply(300);
    const { container, r } = stream(text, 61);
    const frozenParagraph = groupsOf(container)[0].querySelector('p')!;
    r.finish();
    assert.equal(container.querySelectorAll(`.${FROZEN_GROUP_CLASS}`).length, 0);
    assert.equal(container.innerHTML, oneShot(text));
    assert.equal(container.querySelector('p'), frozenParagraph, 'moved, not re-rendered');
    r.finish();
    assert.equal(container.innerHTML, oneShot(text), 'a second finish() changes nothing');
  });

  it('a reply that streams again after finish() groups its new blocks and ends exact again', () => {
    const first = longReply(150);
    const { container, r } = stream(first, 50);
    r.finish();
    const more = longReply(150).replace(/Paragraph/g, 'More');
    for (let i = 0; i < more.length; i += 50) {
      r.append(more.slice(i, i + 50));
      r.flush();
    }
    assert.ok(groupsOf(container).length > 0);
    assert.equal(htmlWithoutGroups(container), oneShot(first + more));
    r.finish();
    assert.equal(container.innerHTML, oneShot(first + more));
  });

  it('setText with unrelated text starts over without groups of the old text', () => {
    const { container, r } = stream(longReply(200), 80);
    r.setText('Just this.');
    r.flush();
    assert.equal(groupsOf(container).length, 0);
    assert.equal(container.innerHTML, oneShot('Just this.'));
  });

  it('chat.css: groups skip rendering off screen and keep the body\'s first margin', () => {
    const css = fs.readFileSync(path.join(__dirname, '..', '..', 'media', 'chat.css'), 'utf8');
    const rule = new RegExp(`\\.markdown > \\.${FROZEN_GROUP_CLASS} \\{[^}]*content-visibility: auto`);
    assert.match(css, rule);
    assert.match(css, new RegExp(`\\.markdown > \\.${FROZEN_GROUP_CLASS}:first-child > :first-child \\{ margin-top: 0; \\}`));
  });
});
