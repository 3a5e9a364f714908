import { describe, expect, it } from 'vitest';
import { queryLexemes, snippetParts } from './search.ts';

const hits = (parts: { text: string; hit: boolean }[]) => parts.filter((p) => p.hit).map((p) => p.text);
const shown = (parts: { text: string }[]) => parts.map((p) => p.text).join('');

describe('snippets', () => {
  it('reads the lexemes of a tsquery, quotes and prefixes included', () => {
    expect(queryLexemes("'printer':*")).toEqual(['printer']);
    expect(queryLexemes("'blank' & 'print' & 'o''neil':*")).toEqual(['blank', 'print', "o'neil"]);
    expect(queryLexemes("'toner' | 'jam'")).toEqual(['toner', 'jam']);
  });

  it('marks words that start with a lexeme (stems and the prefix), as text pieces', () => {
    const parts = snippetParts('Printers print blank pages when the <b>toner</b> is empty.', ['print', 'toner']);
    expect(hits(parts)).toEqual(['Printers', 'print', 'toner']);
    expect(shown(parts)).toBe('Printers print blank pages when the <b>toner</b> is empty.');
  });

  it('starts a few words before the first match and shows at most 35 words', () => {
    const words = Array.from({ length: 80 }, (_, i) => `w${i}`);
    words[50] = 'fuser';
    const parts = snippetParts(words.join(' '), ['fuser']);
    const out = shown(parts).split(' ');
    expect(out[0]).toBe('w42');
    expect(out).toHaveLength(35);
    expect(hits(parts)).toEqual(['fuser']);
  });

  it('shows the beginning when nothing in the excerpt matches (a title hit)', () => {
    const parts = snippetParts('Restart the router, then wait a minute.', ['vpn']);
    expect(parts).toEqual([{ text: 'Restart the router, then wait a minute.', hit: false }]);
    expect(snippetParts('', ['x'])).toEqual([]);
  });
});
