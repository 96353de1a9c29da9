// Driving the workbench the way a user does: the command palette, quick picks, input boxes, context
// menus and the editor's cursor. Each gesture is repeated while the workbench drops it (a focus
// change under load closes a quick pick), never past WAIT.
import type { Locator, Page } from 'playwright-core';
import { until, WAIT } from './waiting';

/**
 * Runs a command from the palette by its title, as a user would. Right after start-up the
 * extension's contributions may not be registered yet and an open palette does not refresh, so it
 * reopens the palette until the command is listed.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await pickFromQuickOpen(page, `>${title}`, title);
}

/**
 * Types `text` into Quick Open and clicks the highlighted row once it shows `rowText`; retries the
 * whole gesture if the widget closes under it (a focus change) or the row does not come.
 */
export async function pickFromQuickOpen(page: Page, text: string, rowText: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-widget .monaco-list-row.focused').filter({ hasText: rowText }).first();
  const deadline = Date.now() + WAIT;
  for (;;) {
    try {
      await openQuickInput(page, 5000);
      await input.fill(text, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 4000 });
      await row.click({ timeout: 3000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/**
 * Opens Quick Open by clicking the title bar's command center: a click works wherever the keyboard
 * focus is (a shortcut pressed while a webview has focus may never reach the workbench) and leaves
 * the editor's selection alone. From 1.139, once chat starts, the command center's search box is
 * replaced by the "agent status" pill, whose input area opens Quick Open too; the title bar may
 * re-render while this runs, so a click that does not land falls back to the shortcut.
 */
export async function openQuickInput(page: Page, timeout = WAIT): Promise<void> {
  await closeQuickInput(page);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const opener = page
    .locator('.command-center .command-center-center, .command-center .agent-status-input-area')
    .filter({ visible: true })
    .first();
  const clicked = (await opener.count()) > 0 && (await opener.click({ timeout: 3000 }).then(() => true, () => false));
  if (!clicked) await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout });
}

/**
 * Opens a context menu with `open` (a right-click) and picks `path` (submenu labels, then the item).
 * A click that lands while a submenu is still being laid out can be lost: then the highlighted item
 * is taken with Enter, and the whole gesture is retried while the menu stays open.
 */
export async function contextMenu(page: Page, path: string[], open: () => Promise<void>): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu').first();
  const hidden = (timeout: number) => menu.waitFor({ state: 'hidden', timeout }).then(() => true, () => false);
  const deadline = Date.now() + WAIT;
  for (;;) {
    // Only a menu that is still open means nothing was chosen, so only then is the gesture repeated.
    try {
      await open();
      for (const label of path.slice(0, -1)) await page.getByRole('menuitem', { name: label, exact: true }).hover({ timeout: 5000 });
      const item = page.getByRole('menuitem', { name: path[path.length - 1], exact: true });
      await item.click({ timeout: 5000 });
      if (await hidden(2000)) return;
      await item.hover({ timeout: 2000 }).then(() => page.keyboard.press('Enter')).catch(() => undefined);
      if (await hidden(3000)) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (await menu.isVisible()) await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`could not pick ${path.join(' → ')} from the context menu`);
  }
}

/**
 * Opens a quick pick with `open` (a command, a button), types `text` and accepts the row that shows
 * `rowText` (Enter when it is the highlighted one, else a click on it: the highlighted row may be
 * another match, e.g. a recently opened diff editor of the same file). A quick pick closes when the
 * focus moves, and a click in a webview (the walkthrough's buttons) can finish moving the focus after
 * the pick opened (seen under load on 1.100.3); so the whole gesture is repeated while the pick is
 * gone without a choice.
 */
export async function pickInQuickPick(page: Page, open: () => Promise<void>, text: string, rowText: string | RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.monaco-list-row').filter({ hasText: rowText }).first();
  const deadline = Date.now() + WAIT;
  for (;;) {
    try {
      await open();
      // The palette that ran a command stays open until the command's pick takes its place.
      await until('the quick pick', async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), 5000);
      await input.fill(text, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 4000 });
      if ((await row.getAttribute('class'))?.split(/\s+/).includes('focused')) await input.press('Enter', { timeout: 3000 });
      else await row.click({ timeout: 3000 });
      await widget.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await closeQuickInput(page).catch(() => undefined);
    }
  }
}

/** Closes the palette/input box if one is open (Escape in an editor would drop its selection). */
export async function closeQuickInput(page: Page): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu').first();
  if (await menu.isVisible()) await page.keyboard.press('Escape');
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible()) {
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: WAIT });
  }
}

/** Moves the keyboard focus to the editor (its selection kept), e.g. back from the chat view. */
export async function focusEditor(page: Page): Promise<void> {
  await closeQuickInput(page);
  await page.keyboard.press('Control+1');
}

/**
 * The input box a command opened (showInputBox), once it is there. The palette that ran the command
 * stays open, still listing the command, until the input box takes its place (tens of ms on 1.139,
 * the type="password" coming with it), so this waits for the widget without a list, not for any
 * visible input.
 */
export async function commandInputBox(page: Page, timeout = WAIT): Promise<Locator> {
  await until(
    "the command's input box",
    () =>
      page.evaluate(() => {
        const widget = document.querySelector('.quick-input-widget');
        if (!widget || getComputedStyle(widget).display === 'none') return false;
        const list = widget.querySelector('.quick-input-list');
        return !list || getComputedStyle(list).display === 'none';
      }),
    timeout,
  );
  return page.locator('.quick-input-widget .quick-input-box input');
}

/** The input box a command opened (showInputBox): type the answer and press Enter. */
export async function answerInputBox(page: Page, text: string | undefined, opts: { placeholderOrTitle?: RegExp } = {}): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = await commandInputBox(page);
  if (opts.placeholderOrTitle) await widget.filter({ hasText: opts.placeholderOrTitle }).waitFor({ state: 'visible', timeout: WAIT });
  if (text === undefined) {
    await page.keyboard.press('Escape');
    return;
  }
  await input.fill(text);
  // Enter on the input itself: a page-level key press is lost when focus has moved to a webview
  // (seen once from the walkthrough's button on 1.100.3: the box stayed open with the key typed).
  await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: WAIT });
}

/** Rows of the open quick pick (the history list, Add context, …), those that show `text` if given. */
export function quickPickRows(page: Page, text?: string | RegExp): Locator {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  return text === undefined ? rows : rows.filter({ hasText: text });
}

/** Puts the cursor at line:column of the active editor (Ctrl+G), optionally extending a selection to the end of `toLine`. */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: WAIT });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
}

/** Selects whole lines first..last (from column 1 to the end of `last`) in the active editor. */
export async function selectLines(page: Page, first: number, last: number): Promise<void> {
  await goToLine(page, first, 1);
  for (let l = first; l < last; l++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
}
