/**
 * An admin's custom CSS, checked before it is stored and served to their customers (as the
 * portal's own stylesheet, and inline in the preview's `<style>`). Whatever could load from
 * another site, run script, read what people type or end the style element is refused, each
 * problem with its line and column, rather than dropped: the admin sees what to fix. What is
 * stored is postcss's re-serialisation of what they wrote, without comments, and with any `<`
 * escaped in strings or a media range turned round (`(600px > width)`), so none is left.
 *
 * Checks read the CSS as a browser does (CSS Syntax 3 tokens: escapes decoded, a comment
 * separating what it sits between, a string ending at a line break), so `\75 rl(` counts as
 * `url(`. The tokenizer is in css-tokens.ts.
 */
import postcss, { CssSyntaxError, type AtRule, type ChildNode, type Declaration, type Root, type Rule } from 'postcss';
import { AppError } from '../../platform/errors.ts';
import { decodeName, tokenize } from './css-tokens.ts';

export const CUSTOM_CSS_MAX_BYTES = 50_000;

export type CssProblem = { line: number; column: number; message: string };

const MAX_RULES = 2_000;
const MAX_DEPTH = 10;
const MAX_PROBLEMS = 100;

const AT_RULES = new Set([
  'media', 'supports', 'layer', 'container', 'font-face',
  'keyframes', '-webkit-keyframes', '-moz-keyframes', '-o-keyframes',
]);
/** Functions whose bare strings are image addresses (CSS Images 4). */
const IMAGE_FUNCTIONS = new Set(['image-set', '-webkit-image-set', 'image', 'cross-fade', '-webkit-cross-fade']);
/** Computed when used: an address built from them would escape the check. */
const COMPUTED_FUNCTIONS = new Set(['var', 'env', 'attr', 'if']);
/** Old browsers' ways to run code from CSS. */
const FORBIDDEN_PROPERTIES = new Set(['behavior', '-ms-behavior']);
const FORBIDDEN_WORDS: ReadonlyArray<[string, string]> = [
  ['expression(', 'expression() is not allowed: it runs script.'],
  ['javascript:', 'javascript: is not allowed.'],
  ['vbscript:', 'vbscript: is not allowed.'],
  ['-moz-binding', '-moz-binding is not allowed: it loads code into the page.'],
];

const MESSAGES = {
  styleEnd: '"</style" would end the style element. Remove it (inside a string, write \\3c /style).',
  htmlComment: 'HTML comment markers (<!-- and -->) are not allowed.',
  lessThan: '"<" is allowed only inside quotes, or in a media range such as (width < 600px).',
  badString: 'A string runs past the end of its line: close the quote on the same line (write \\A for a line break).',
  badUrl: 'This url() is malformed: put the address in quotes.',
  noSelector: 'A rule has no selector.',
  valueSelector: 'Selectors on what people type ([value…]) are not allowed: they can leak it one character at a time.',
  passwordSelector: 'Selectors on password fields are not allowed.',
  computedUrl: 'Addresses must be written out: var(), env() and attr() are not allowed inside url(), src() or image-set().',
} as const;

/**
 * The stylesheet to store, or `AppError('branding_css_invalid')` with every problem found
 * (`details.problems`: line, column, message) when any part of it is refused.
 */
export function sanitiseCustomCss(source: string): string {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > CUSTOM_CSS_MAX_BYTES) {
    throw invalid([{ line: 1, column: 1, message: `The stylesheet is ${bytes.toLocaleString('en')} bytes; the limit is ${CUSTOM_CSS_MAX_BYTES.toLocaleString('en')} bytes.` }]);
  }
  const problems = markupProblems(source);
  let root: Root;
  try {
    root = postcss.parse(source);
  } catch (err) {
    if (!(err instanceof CssSyntaxError)) throw err;
    const reason = err.reason.length > 80 ? `${err.reason.slice(0, 77)}...` : err.reason;
    throw invalid([...problems, { line: err.line ?? 1, column: err.column ?? 1, message: reason }]);
  }
  checkTree(root, problems);
  if (problems.length > 0) throw invalid(problems);
  const css = root.toString();
  // Read once more as one stylesheet: a place where postcss and a browser split it
  // differently must not let anything through that the checks above would refuse.
  const whole = textProblems(css);
  if (/<!--|-->/.test(css)) whole.push(MESSAGES.htmlComment);
  if (whole.length > 0) throw invalid(whole.map((message) => ({ line: 1, column: 1, message })));
  return css;
}

function invalid(problems: CssProblem[]): AppError {
  const seen = new Set<string>();
  const unique: CssProblem[] = [];
  for (const p of [...problems].sort((a, b) => a.line - b.line || a.column - b.column)) {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (!seen.has(key)) unique.push(p);
    seen.add(key);
  }
  // A pasted file of thousands of the same mistake needs the first ones, not all of them.
  const listed = unique.slice(0, MAX_PROBLEMS);
  if (unique.length > MAX_PROBLEMS) {
    const { line, column } = unique[MAX_PROBLEMS]!;
    listed.push({ line, column, message: `${unique.length - MAX_PROBLEMS} more problems are not listed.` });
  }
  return new AppError('branding_css_invalid', { details: { problems: listed } });
}

/** Text that means something to the HTML parser around a `<style>` element. */
function markupProblems(source: string): CssProblem[] {
  const lineStarts = [0, ...[...source.matchAll(/\n/g)].map((m) => m.index + 1)];
  let line = 0;
  return [...source.matchAll(/<\/style|<!--|-->/gi)].map((m) => {
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= m.index) line++;
    const message = m[0] === '-->' || m[0] === '<!--' ? MESSAGES.htmlComment : MESSAGES.styleEnd;
    return { line: line + 1, column: m.index - lineStarts[line]! + 1, message };
  });
}

/** Walks the tree without recursion (depth is what is being limited), checking and cleaning each node. */
function checkTree(root: Root, problems: CssProblem[]): void {
  cleanRaws(root);
  const comments: ChildNode[] = [];
  const stack: Array<[ChildNode, number]> = root.nodes.map((n): [ChildNode, number] => [n, 1]).reverse();
  let rules = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    const report = (message: string) =>
      problems.push({ line: node.source?.start?.line ?? 1, column: node.source?.start?.column ?? 1, message });
    cleanRaws(node);
    if (node.type === 'comment') {
      comments.push(node);
      continue;
    }
    if (node.type === 'decl') {
      checkDeclaration(node, report);
      continue;
    }
    if (node.type === 'rule') checkRule(node, report);
    else if (!checkAtRule(node, report)) continue;
    if (++rules > MAX_RULES) {
      report(`More than ${MAX_RULES.toLocaleString('en')} rules: shorten the stylesheet.`);
      return;
    }
    if (depth > MAX_DEPTH) {
      report(`Rules are nested more than ${MAX_DEPTH} deep.`);
      continue;
    }
    const children = node.nodes ?? [];
    for (let k = children.length - 1; k >= 0; k--) stack.push([children[k]!, depth + 1]);
  }
  for (const comment of comments) comment.remove();
}

function checkDeclaration(decl: Declaration, report: (m: string) => void): void {
  const prop = decodeName(decl.prop).toLowerCase();
  if (FORBIDDEN_PROPERTIES.has(prop)) report(`The ${prop} property is not allowed: it loads code into the page.`);
  decl.value = clean(rawOf(decl, 'value'), 'value');
  delete decl.raws.value;
  for (const message of textProblems(`${decl.prop}:${decl.value}`)) report(message);
}

function checkRule(rule: Rule, report: (m: string) => void): void {
  rule.selector = clean(rawOf(rule, 'selector'), 'selector');
  delete rule.raws.selector;
  if (rule.selector.trim() === '') report(MESSAGES.noSelector);
  for (const message of [...selectorProblems(rule.selector), ...textProblems(rule.selector)]) report(message);
}

/** Whether to look inside: a refused at-rule is one problem, whatever it contains. */
function checkAtRule(atRule: AtRule, report: (m: string) => void): boolean {
  const name = atRule.name.toLowerCase();
  if (!AT_RULES.has(name)) {
    if (name === 'import') report('@import is not allowed: it loads another stylesheet. Paste its rules here instead.');
    else if (name === 'charset') report('@charset is not allowed (and not needed: the stylesheet is always UTF-8).');
    else report(`@${atRule.name} is not allowed. Allowed: @media, @supports, @keyframes, @layer, @container, @font-face.`);
    return false;
  }
  let params = clean(rawOf(atRule, 'params'), 'value');
  if (name === 'media' || name === 'container') params = flipRanges(params);
  atRule.params = params;
  delete atRule.raws.params;
  for (const message of textProblems(params)) report(message);
  return true;
}

/** The text as written (postcss keeps it in `raws` when it held comments). */
function rawOf<K extends 'value' | 'selector' | 'params'>(node: { raws: { [key in K]?: { value: string; raw: string } } } & { [key in K]: string }, key: K): string {
  const raw = node.raws[key];
  return raw && raw.value === node[key] ? raw.raw : node[key];
}

/** Comments also sit in the spaces postcss keeps around names, colons and `!important`. */
function cleanRaws(node: ChildNode | Root): void {
  const raws = node.raws as Record<string, unknown>;
  for (const [key, raw] of Object.entries(raws)) {
    if (typeof raw === 'string' && raw.includes('/*')) raws[key] = raw.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ' ');
  }
}

/**
 * Without comments (between two tokens of a value a comment becomes a space, since it
 * separated them; in a selector nothing, since a space would be a combinator), and with
 * every `<` in a string or address escaped, so the output never holds one there.
 */
function clean(text: string, mode: 'value' | 'selector'): string {
  const tokens = tokenize(text);
  return tokens
    .map((t, k) => {
      if (t.type === 'comment') {
        const [prev, next] = [tokens[k - 1], tokens[k + 1]];
        return mode === 'value' && prev && next && prev.type !== 'ws' && next.type !== 'ws' ? ' ' : '';
      }
      if (!t.raw.includes('<')) return t.raw;
      if (t.type === 'string') return quote(t.value);
      if (t.type === 'url') return `url(${quote(t.value)})`;
      return t.raw;
    })
    .join('');
}

function quote(value: string): string {
  return `"${value.replace(/[\\"<\u0000-\u001f\u007f]/g, (c) => `\\${c.codePointAt(0)!.toString(16)} `)}"`;
}

/**
 * A media range written with `<` — `(width < 600px)`, `(400px <= width < 700px)` — read
 * from its other end with `>`: the same range, without a `<` in the output.
 */
function flipRanges(params: string): string {
  return params.replace(/\(([^()<>"'\\]*<[^()>"'\\]*)\)/g, (_, inner: string) => {
    const parts = inner.split(/(<=?)/).map((p) => p.trim()).reverse();
    return `(${parts.map((p) => (p === '<' ? '>' : p === '<=' ? '>=' : p)).join(' ')})`;
  });
}

function selectorProblems(selector: string): string[] {
  const problems = new Set<string>();
  const tokens = tokenize(selector);
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k]!.raw !== '[') continue;
    let inside = '';
    for (k++; k < tokens.length && tokens[k]!.raw !== ']'; k++) inside += tokens[k]!.value;
    inside = inside.replace(/\s+/g, '').toLowerCase();
    // `[value^=a]`, `[*|value]`, `[ns|value|=a]`: the name after an optional namespace.
    const name = /^(?:(?:\*|[^|=~^$*]*)\|(?!=))?([^|=~^$*]*)/.exec(inside)![1];
    if (name === 'value') problems.add(MESSAGES.valueSelector);
    if (inside.includes('password')) problems.add(MESSAGES.passwordSelector);
  }
  return [...problems];
}

/** Everything refused in a piece of CSS, read as tokens. */
function textProblems(text: string): string[] {
  const problems = new Set<string>();
  const tokens = tokenize(text);
  const open: string[] = []; // the enclosing function names ('' for a bracket)
  const checkUrl = (value: string) => {
    const problem = urlProblem(value);
    if (problem) problems.add(problem);
  };
  tokens.forEach((t, k) => {
    if (t.type === 'string') {
      if (t.bad) problems.add(MESSAGES.badString);
      else if (IMAGE_FUNCTIONS.has(open.at(-1) ?? '')) checkUrl(t.value);
    } else if (t.type === 'url') {
      if (t.bad) problems.add(MESSAGES.badUrl);
      else checkUrl(t.value);
    } else if (t.type === 'function') {
      if (COMPUTED_FUNCTIONS.has(t.value) && open.some((f) => f === 'url' || f === 'src' || IMAGE_FUNCTIONS.has(f))) {
        problems.add(MESSAGES.computedUrl);
      }
      if (t.value === 'url' || t.value === 'src') {
        let next = k + 1;
        while (tokens[next]?.type === 'ws') next++;
        const address = tokens[next];
        if (address?.type === 'string') checkUrl(address.value);
        else problems.add(MESSAGES.computedUrl);
      }
      open.push(t.value);
    } else if (t.type === 'open') open.push('');
    else if (t.type === 'close') open.pop();
    else if (t.type === 'at' && !AT_RULES.has(t.value)) problems.add(`@${t.value} is not allowed here.`);
    else if (t.type === 'delim' && t.raw === '<') problems.add(MESSAGES.lessThan);
  });
  const compact = tokens
    .map((t) => (t.type === 'function' ? `${t.value}(` : t.type === 'url' ? `url(${t.value})` : t.type === 'comment' ? '' : t.value))
    .join('')
    .replace(/[\s\u0000-\u001f]/g, '')
    .toLowerCase();
  for (const [word, message] of FORBIDDEN_WORDS) if (compact.includes(word)) problems.add(message);
  return [...problems];
}

/**
 * Allowed: a path on this site (`/…`, not `//…`, no backslash) or a fragment (`#id`, nothing
 * is fetched). `data:` URIs are refused: the portal's Content-Security-Policy loads images
 * from its own origin only, so they would never show. Relative paths are refused too: they
 * would resolve differently from the stylesheet and from the preview page.
 */
function urlProblem(value: string): string | null {
  // Browsers drop tabs and line breaks anywhere in an address, and spaces at its ends.
  const url = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  if (/^\/(?![/\\])[^\\]*$/.test(url) || /^#[^\\]*$/.test(url)) return null;
  if (url === '') return 'An empty address is not allowed.';
  const shown = JSON.stringify(url.length > 60 ? `${url.slice(0, 57)}...` : url);
  if (/^data:/i.test(url)) {
    return `${shown} is not allowed: portal pages load images from this site only. Upload the image as the logo, or use an address on this site (starting with /).`;
  }
  if (/^[a-z][a-z0-9+.-]*:|^[/\\]{2}/i.test(url)) {
    return `${shown} is not allowed: use an address on this site (starting with /).`;
  }
  return `${shown} is a relative address: write it from the root of this site, starting with /.`;
}
