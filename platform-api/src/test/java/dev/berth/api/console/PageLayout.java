package dev.berth.api.console;

import com.microsoft.playwright.Page;
import java.util.List;

/**
 * What makes a page hard to read, measured in the browser: the page or a table wider than the
 * window or its container, a cell whose content is cut, and a word broken over lines. A word runs
 * between spaces and hyphens (where text wraps by the usual rules, "console-a" too); words of up to
 * {@value #LONGEST_WORD} characters must stay on one line, longer machine tokens (IDs, digests) may
 * wrap, but never overflow.
 */
final class PageLayout {

    static final int LONGEST_WORD = 24;

    private static final String CHECK = """
            (longest) => {
              const problems = [];
              const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '');
              const view = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth > view) {
                problems.push('the page is ' + (document.documentElement.scrollWidth - view) + ' px wider than the window');
              }
              for (const table of document.querySelectorAll('table')) {
                if (!table.getClientRects().length) continue;
                const box = table.getBoundingClientRect();
                const container = table.parentElement.getBoundingClientRect();
                if (box.right > Math.min(container.right, view) + 1) {
                  problems.push(name(table) + ' overflows its container by ' + Math.round(box.right - Math.min(container.right, view)) + ' px');
                }
                if (table.parentElement.scrollWidth > table.parentElement.clientWidth + 1) {
                  problems.push(name(table.parentElement) + ' around ' + name(table) + ' scrolls sideways');
                }
                for (const cell of table.querySelectorAll('th, td')) {
                  if (cell.closest('table') !== table) continue;
                  if (cell.scrollWidth > cell.clientWidth + 1) {
                    problems.push('cut content in ' + name(cell) + ': ' + cell.textContent.trim().slice(0, 40));
                  }
                  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (node.parentElement.closest('th, td') !== cell) continue;
                    for (const word of node.data.matchAll(/[^\\s-]+/g)) {
                      if (word[0].length > longest) continue;
                      const range = document.createRange();
                      range.setStart(node, word.index);
                      range.setEnd(node, word.index + word[0].length);
                      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                      if (lines.size > 1) problems.push('"' + word[0] + '" breaks over ' + lines.size + ' lines in ' + name(cell));
                    }
                  }
                }
              }
              return problems;
            }
            """;

    private PageLayout() {
    }

    /** Every problem found on the page as it is now; none on a readable page. */
    @SuppressWarnings("unchecked")
    static List<String> problems(Page page) {
        return (List<String>) page.evaluate(CHECK, LONGEST_WORD);
    }
}
