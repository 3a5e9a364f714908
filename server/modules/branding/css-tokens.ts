/**
 * CSS tokens as CSS Syntax 3 reads them, with only the distinctions the custom CSS checks
 * need (sanitise-css.ts): strings end at a line break as a browser ends them, escapes are
 * decoded (`\75 rl(` is `url(`), and `url(` with an unquoted address is one token.
 */

export type Token = {
  type: 'ws' | 'comment' | 'string' | 'url' | 'function' | 'ident' | 'at' | 'open' | 'close' | 'delim' | 'other';
  raw: string;
  /** Escapes decoded: a string's or address's content; a name (lower case for functions and at-rules). */
  value: string;
  bad: boolean;
};

const WS = /[ \t\n\r\f]/;
const NEWLINE = /[\n\r\f]/;
const HEX = /[0-9a-fA-F]/;
const NUMBER = /[+-]?(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?/y;
const NON_PRINTABLE = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

const isNameStart = (c: string | undefined) => c !== undefined && (/[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80);
const isName = (c: string | undefined) => isNameStart(c) || (c !== undefined && /[0-9-]/.test(c));
const isEscape = (s: string, i: number) => s[i] === '\\' && !NEWLINE.test(s[i + 1] ?? '');
const startsName = (s: string, i: number) =>
  s[i] === '-' ? isNameStart(s[i + 1]) || s[i + 1] === '-' || isEscape(s, i + 1) : isNameStart(s[i]) || isEscape(s, i);

export function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: Token['type'], end: number, value = s.slice(i, end), bad = false) => {
    tokens.push({ type, raw: s.slice(i, end), value, bad });
    i = end;
  };
  while (i < s.length) {
    const c = s[i]!;
    NUMBER.lastIndex = i;
    const number = /[-+.\d]/.test(c) ? NUMBER.exec(s) : null;
    if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      push('comment', end < 0 ? s.length : end + 2);
    } else if (WS.test(c)) {
      let j = i;
      while (j < s.length && WS.test(s[j]!)) j++;
      push('ws', j);
    } else if (c === '"' || c === "'") {
      const t = string(s, i);
      push('string', t.end, t.value, t.bad);
    } else if (number) {
      let j = i + number[0].length;
      if (startsName(s, j)) j = name(s, j)[1];
      else if (s[j] === '%') j++;
      push('other', j);
    } else if (c === '@' && startsName(s, i + 1)) {
      const [n, j] = name(s, i + 1);
      push('at', j, n.toLowerCase());
    } else if (startsName(s, i)) {
      const [n, j] = name(s, i);
      let k = j + 1;
      while (k < s.length && WS.test(s[k]!)) k++;
      if (s[j] !== '(') push('ident', j, n);
      else if (n.toLowerCase() !== 'url' || s[k] === '"' || s[k] === "'") push('function', j + 1, n.toLowerCase());
      else {
        const t = url(s, k);
        push('url', t.end, t.value, t.bad);
      }
    } else if ('([{'.includes(c)) push('open', i + 1);
    else if (')]}'.includes(c)) push('close', i + 1);
    else push('delim', i + 1);
  }
  return tokens;
}

/** The character a backslash at `i` stands for, and where the escape ends. */
function escape(s: string, i: number): [string, number] {
  let j = i + 1;
  if (j >= s.length) return ['\uFFFD', j];
  if (!HEX.test(s[j]!)) {
    const c = String.fromCodePoint(s.codePointAt(j)!);
    return [c, j + c.length];
  }
  let hex = '';
  while (hex.length < 6 && j < s.length && HEX.test(s[j]!)) hex += s[j++];
  if (s[j] === '\r' && s[j + 1] === '\n') j += 2;
  else if (WS.test(s[j] ?? '')) j++;
  const cp = parseInt(hex, 16);
  return [cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(cp), j];
}

function name(s: string, i: number): [string, number] {
  let out = '';
  while (i < s.length) {
    if (isEscape(s, i)) {
      const [c, j] = escape(s, i);
      out += c;
      i = j;
    } else if (isName(s[i])) out += s[i++];
    else break;
  }
  return [out, i];
}

/** A name with its escapes decoded (`\62 ehavior` is `behavior`). */
export function decodeName(text: string): string {
  return tokenize(text).map((t) => t.value).join('');
}

function string(s: string, start: number): { value: string; bad: boolean; end: number } {
  const quoteChar = s[start];
  let value = '';
  let j = start + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === quoteChar) return { value, bad: false, end: j + 1 };
    if (NEWLINE.test(c)) return { value, bad: true, end: j };
    if (c !== '\\') {
      value += c;
      j++;
    } else if (j + 1 >= s.length) j++;
    else if (NEWLINE.test(s[j + 1]!)) j += s[j + 1] === '\r' && s[j + 2] === '\n' ? 3 : 2;
    else {
      const [ch, next] = escape(s, j);
      value += ch;
      j = next;
    }
  }
  return { value, bad: false, end: j };
}

/** An unquoted `url(…)`, from just after its opening bracket and spaces. */
function url(s: string, start: number): { value: string; bad: boolean; end: number } {
  let value = '';
  let j = start;
  for (;;) {
    if (j >= s.length) return { value, bad: false, end: j };
    const c = s[j]!;
    if (c === ')') return { value, bad: false, end: j + 1 };
    if (WS.test(c)) {
      while (j < s.length && WS.test(s[j]!)) j++;
      if (j >= s.length || s[j] === ')') return { value, bad: false, end: Math.min(j + 1, s.length) };
      break;
    }
    if (c === '"' || c === "'" || c === '(' || NON_PRINTABLE.test(c) || (c === '\\' && !isEscape(s, j))) break;
    if (c === '\\') {
      const [ch, next] = escape(s, j);
      value += ch;
      j = next;
    } else {
      value += c;
      j++;
    }
  }
  // A bad url: the rest up to the closing bracket, escapes included.
  while (j < s.length && s[j] !== ')') j = isEscape(s, j) ? escape(s, j)[1] : j + 1;
  return { value, bad: true, end: Math.min(j + 1, s.length) };
}
