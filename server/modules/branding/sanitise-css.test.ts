/**
 * Custom CSS: what is refused (with its line and column) and what comes back unchanged.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { CUSTOM_CSS_MAX_BYTES, sanitiseCustomCss, type CssProblem } from './sanitise-css.ts';

/** The problems a stylesheet is refused with (fails the test if it is accepted). */
function problems(css: string): CssProblem[] {
  try {
    const out = sanitiseCustomCss(css);
    throw new Error(`accepted: ${JSON.stringify(out)}`);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code).toBe('branding_css_invalid');
    expect(err.status).toBe(400);
    return (err.details as { problems: CssProblem[] }).problems;
  }
}

const messages = (css: string) => problems(css).map((p) => p.message);

const OFF_SITE = (url: string) =>
  `${JSON.stringify(url)} is not allowed: use an address on this site (starting with /).`;
const DATA_URI = (url: string) =>
  `${JSON.stringify(url)} is not allowed: portal pages load images from this site only. Upload the image as the logo, or use an address on this site (starting with /).`;
const VALUE_SELECTOR = 'Selectors on what people type ([value…]) are not allowed: they can leak it one character at a time.';
const PASSWORD_SELECTOR = 'Selectors on password fields are not allowed.';
const STYLE_END = '"</style" would end the style element. Remove it (inside a string, write \\3c /style).';
const HTML_COMMENT = 'HTML comment markers (<!-- and -->) are not allowed.';

describe('loading from elsewhere', () => {
  it('refuses @import, whatever it imports, at its line', () => {
    const message = '@import is not allowed: it loads another stylesheet. Paste its rules here instead.';
    expect(problems('@import url(https://evil);')).toEqual([{ line: 1, column: 1, message }]);
    expect(problems('a { color: red }\n  @import "x.css";')).toEqual([{ line: 2, column: 3, message }]);
    expect(problems('@IMPORT "x.css";')).toEqual([{ line: 1, column: 1, message }]);
  });

  it('refuses addresses on other sites, at the declaration', () => {
    expect(problems('a {\n  background: url(https://evil/x.png);\n}')).toEqual([
      { line: 2, column: 3, message: OFF_SITE('https://evil/x.png') },
    ]);
    expect(messages('a{background:url(//evil/x)}')).toEqual([OFF_SITE('//evil/x')]);
    expect(messages('a{background:url("http://evil/x")}')).toEqual([OFF_SITE('http://evil/x')]);
    expect(messages('a{background:url(  "https://evil"  )}')).toEqual([OFF_SITE('https://evil')]);
    expect(messages('a{cursor:url(ftp://evil/c.cur), auto}')).toEqual([OFF_SITE('ftp://evil/c.cur')]);
  });

  it('reads escapes as a browser does', () => {
    for (const css of ['a{background:\\75 rl(https://evil)}', 'a{background:u\\rl(https://evil)}', 'a{background:URL(https://evil)}', 'a{background:url(\\68ttps://evil)}']) {
      expect(messages(css), css).toEqual([OFF_SITE('https://evil')]);
    }
    // `\\` is a backslash, which browsers read as a slash: `/\evil` is `//evil`.
    expect(messages('a{background:url(/\\\\evil/x.png)}')).toEqual([OFF_SITE('/\\evil/x.png')]);
    expect(messages('a{background:url(/\\/evil/x.png)}')).toEqual([OFF_SITE('//evil/x.png')]);
  });

  it('refuses relative paths, saying how to write them', () => {
    expect(messages('a{background:url(x.png)}')).toEqual(['"x.png" is a relative address: write it from the root of this site, starting with /.']);
    expect(messages('a{background:url(../x.png)}')).toEqual(['"../x.png" is a relative address: write it from the root of this site, starting with /.']);
  });

  it('checks every address form: image-set strings, src(), @font-face, @supports', () => {
    expect(messages('a{background:image-set("https://evil/a.png" 1x)}')).toEqual([OFF_SITE('https://evil/a.png')]);
    expect(messages('a{background:-webkit-image-set(url(https://evil/a.png) 1x)}')).toEqual([OFF_SITE('https://evil/a.png')]);
    expect(messages('a{background:image-set("a.png" 1x)}')).toEqual(['"a.png" is a relative address: write it from the root of this site, starting with /.']);
    expect(messages('a{background:src("https://evil")}')).toEqual([OFF_SITE('https://evil')]);
    expect(problems('@font-face {\n  font-family: x;\n  src: url(https://evil/f.woff2);\n}')).toEqual([
      { line: 3, column: 3, message: OFF_SITE('https://evil/f.woff2') },
    ]);
    expect(messages('@supports (background: url(https://evil)) { a { color: red } }')).toEqual([OFF_SITE('https://evil')]);
  });

  it('refuses addresses built from var(), so a custom property cannot smuggle one', () => {
    expect(problems('a { --u: "https://evil/x.png"; background: image-set(var(--u) 1x) }')).toEqual([
      { line: 1, column: 32, message: 'Addresses must be written out: var(), env() and attr() are not allowed inside url(), src() or image-set().' },
    ]);
    expect(messages('a{--u:url(https://evil)}')).toEqual([OFF_SITE('https://evil')]);
  });

  it('refuses data: URIs, even raster images (the portal loads images from its own origin only)', () => {
    expect(messages('a{background:url("data:text/html,<script>alert(1)</script>")}')).toContain(
      DATA_URI('data:text/html,<script>alert(1)</script>'),
    );
    expect(messages('a{background:url(data:image/svg+xml;base64,PHN2Zz4=)}')).toEqual([DATA_URI('data:image/svg+xml;base64,PHN2Zz4=')]);
    expect(messages('a{background:url(data:image/png;base64,iVBORw0KGgo=)}')).toEqual([DATA_URI('data:image/png;base64,iVBORw0KGgo=')]);
  });

  it('refuses a string running past its line (a browser ends it there and reads the rest as CSS)', () => {
    expect(messages('a{content:"x\n;background:url(https://evil);--y:"}')).toEqual([
      'A string runs past the end of its line: close the quote on the same line (write \\A for a line break).',
      OFF_SITE('https://evil'),
    ]);
  });
});

describe('running code', () => {
  it('refuses javascript: and vbscript:', () => {
    expect(messages('a{background:url(javascript:alert(1))}')).toEqual(['This url() is malformed: put the address in quotes.', 'javascript: is not allowed.']);
    expect(messages('a{background:url("javascript:alert(1)")}')).toEqual([OFF_SITE('javascript:alert(1)'), 'javascript: is not allowed.']);
    expect(messages('a{background:url("vbscript:x")}')).toEqual([OFF_SITE('vbscript:x'), 'vbscript: is not allowed.']);
  });

  it('refuses expression()', () => {
    expect(problems('a {\n  width: expression(alert(1));\n}')).toEqual([{ line: 2, column: 3, message: 'expression() is not allowed: it runs script.' }]);
    expect(messages('a{width:EXPRESSION(alert(1))}')).toEqual(['expression() is not allowed: it runs script.']);
  });

  it('refuses behavior and -moz-binding, but not scroll-behavior', () => {
    expect(messages('a{behavior:url(/x.htc)}')).toEqual(['The behavior property is not allowed: it loads code into the page.']);
    expect(messages('a{behavior:url(x.htc)}')).toEqual([
      'The behavior property is not allowed: it loads code into the page.',
      '"x.htc" is a relative address: write it from the root of this site, starting with /.',
    ]);
    expect(messages('a{-ms-behavior:url(/x.htc)}')).toEqual(['The -ms-behavior property is not allowed: it loads code into the page.']);
    expect(messages('a{\\62 ehavior:url(/x.htc)}')).toEqual(['The behavior property is not allowed: it loads code into the page.']);
    expect(messages('a{-moz-binding:url(/x.xml#x)}')).toEqual(['-moz-binding is not allowed: it loads code into the page.']);
    expect(sanitiseCustomCss('html{scroll-behavior:smooth;overscroll-behavior:none}')).toBe('html{scroll-behavior:smooth;overscroll-behavior:none}');
  });
});

describe('the style element', () => {
  it('refuses </style and HTML comment markers where they are', () => {
    expect(problems('</style><script>alert(1)</script>')).toEqual([
      { line: 1, column: 1, message: STYLE_END },
      { line: 1, column: 1, message: 'Unknown word </style><script>alert' },
    ]);
    expect(problems('a {}\nb { content: "</STYLE>" }')).toEqual([{ line: 2, column: 15, message: STYLE_END }]);
    expect(problems('a{b:c}\n<!--\nd{e:f}\n-->')).toContainEqual({ line: 2, column: 1, message: HTML_COMMENT });
    expect(problems('a { content: "-->" }')).toEqual([{ line: 1, column: 15, message: HTML_COMMENT }]);
  });

  it('escapes < inside strings, so the output never holds one', () => {
    const out = sanitiseCustomCss('a::before { content: "<b>" } a[title="x<y"] { color: red }');
    expect(out).toBe('a::before { content: "\\3c b>" } a[title="x\\3c y"] { color: red }');
    expect(out).not.toContain('<');
  });

  it('writes media ranges with > instead of <', () => {
    expect(sanitiseCustomCss('@media (width < 600px) { a { color: red } }')).toBe('@media (600px > width) { a { color: red } }');
    expect(sanitiseCustomCss('@media screen and (400px <= width < 700px) {a{b:c}}')).toBe('@media screen and (700px > width >= 400px) {a{b:c}}');
    expect(sanitiseCustomCss('@container card (width<=30em) {a{b:c}}')).toBe('@container card (30em >= width) {a{b:c}}');
  });

  it('refuses < anywhere else', () => {
    const message = '"<" is allowed only inside quotes, or in a media range such as (width < 600px).';
    expect(problems('a<b { color: red }')).toEqual([{ line: 1, column: 1, message }]);
    expect(problems('@supports (x < y) { a { color: red } }')).toEqual([{ line: 1, column: 1, message }]);
  });
});

describe('reading what people type', () => {
  it('refuses the password keylogger', () => {
    expect(problems('input[type=password][value^="a"]{background:url(/x?a)}')).toEqual([
      { line: 1, column: 1, message: PASSWORD_SELECTOR },
      { line: 1, column: 1, message: VALUE_SELECTOR },
    ]);
  });

  it('refuses any attribute selector on value, however it is written', () => {
    for (const selector of ['[value$="x"]', '[value]', '[VALUE="a" i]', '[*|value]', '[ value ~= a ]', '[\\76 alue^=a]', 'form:has(input[value^=a])', 'a, [va/**/lue=x]']) {
      expect(messages(`${selector} { color: red }`), selector).toEqual([VALUE_SELECTOR]);
    }
  });

  it('refuses selectors on password fields', () => {
    for (const selector of ['input[type=password]', 'input[type="password" i]', "input[type='PASSWORD']", '[autocomplete="current-password"]']) {
      expect(messages(`${selector} { color: red }`), selector).toEqual([PASSWORD_SELECTOR]);
    }
  });

  it('keeps attributes that only sound alike', () => {
    const css = '[data-value="1"] { color: red } .value, #password-hint { color: blue } input[type=email] { color: green }';
    expect(sanitiseCustomCss(css)).toBe(css);
  });
});

describe('syntax and limits', () => {
  it('gives a parse error its line and column', () => {
    expect(problems('a { color: red; }\nb { color: blue;\n')).toEqual([{ line: 2, column: 1, message: 'Unclosed block' }]);
    expect(problems('a {\n  content: "open;\n}')).toEqual([{ line: 2, column: 12, message: 'Unclosed string' }]);
    expect(problems('a { color: red } }')).toEqual([{ line: 1, column: 18, message: 'Unexpected }' }]);
  });

  it('refuses more than the byte limit (counting UTF-8 bytes, not characters)', () => {
    const message = 'The stylesheet is 50,002 bytes; the limit is 50,000 bytes.';
    expect(problems('é'.repeat(25_001))).toEqual([{ line: 1, column: 1, message }]);
    expect(messages(`a{}${' '.repeat(CUSTOM_CSS_MAX_BYTES - 2)}`)).toEqual(['The stylesheet is 50,001 bytes; the limit is 50,000 bytes.']);
    expect(sanitiseCustomCss(`/*${'x'.repeat(CUSTOM_CSS_MAX_BYTES - 4)}*/`)).toBe('');
  });

  it('limits nesting and the number of rules', () => {
    const nested = (n: number) => `${'a{'.repeat(n)}${'}'.repeat(n)}`;
    expect(sanitiseCustomCss(nested(10))).toBe(nested(10));
    expect(problems(nested(11))).toEqual([{ line: 1, column: 21, message: 'Rules are nested more than 10 deep.' }]);
    expect(problems(nested(12_000))).toEqual([{ line: 1, column: 21, message: 'Rules are nested more than 10 deep.' }]);
    expect(sanitiseCustomCss('a{}'.repeat(2_000))).toBe('a{}'.repeat(2_000));
    expect(problems('a{}'.repeat(2_001))).toEqual([{ line: 1, column: 6_001, message: 'More than 2,000 rules: shorten the stylesheet.' }]);
  });

  it('refuses at-rules outside the list', () => {
    expect(messages('@charset "utf-8";')).toEqual(['@charset is not allowed (and not needed: the stylesheet is always UTF-8).']);
    const others = '@namespace svg url(http://www.w3.org/2000/svg);\n@document url-prefix(https://evil) { a { b: c } }\n@page { margin: 0 }\n@property --x { syntax: "*" }\n@whatever;';
    expect(problems(others)).toEqual(
      ['namespace', 'document', 'page', 'property', 'whatever'].map((name, k) => ({
        line: k + 1,
        column: 1,
        message: `@${name} is not allowed. Allowed: @media, @supports, @keyframes, @layer, @container, @font-face.`,
      })),
    );
  });

  it('lists every problem, in order, each at its place', () => {
    const css = ['a { color: red }', '@import "x.css";', 'b {', '  background: url(https://evil/b.png);', '  width: expression(1);', '}', 'input[value] { color: red }'].join('\n');
    expect(problems(css)).toEqual([
      { line: 2, column: 1, message: '@import is not allowed: it loads another stylesheet. Paste its rules here instead.' },
      { line: 4, column: 3, message: OFF_SITE('https://evil/b.png') },
      { line: 5, column: 3, message: 'expression() is not allowed: it runs script.' },
      { line: 7, column: 1, message: VALUE_SELECTOR },
    ]);
  });

  it('lists the first hundred problems of a long list', () => {
    const listed = problems('[value] { color: red }\n'.repeat(150));
    expect(listed).toHaveLength(101);
    expect(listed[99]).toEqual({ line: 100, column: 1, message: VALUE_SELECTOR });
    expect(listed[100]).toEqual({ line: 101, column: 1, message: '50 more problems are not listed.' });
  });

  it('refuses a rule without a selector', () => {
    expect(problems('a { color: red }\n{ color: blue }')).toEqual([{ line: 2, column: 1, message: 'A rule has no selector.' }]);
  });
});

describe('normal CSS', () => {
  it('keeps a full stylesheet exactly as written', () => {
    const css = `:root {
  --brand-primary: #1f5fbf;
  --brand-accent: rgb(15 118 110 / 80%);
  --radius: calc(4px + 0.25rem);
}
@layer base, brand;
@layer brand {
  .portal-header {
    background: linear-gradient(135deg, var(--brand-primary) 0%, #0f766e 100%) !important;
    background-image: url(/portal/acme/brand/logo.png), url("/images/bg.webp");
    border-radius: var(--radius);
  }
}
.badge::before {
  content: "★ " attr(data-label);
  background: url(/portal/acme/brand/images/star.png) no-repeat;
}
.hero { background-image: image-set(url(/img/hero.avif) type("image/avif") 1x, "/img/hero@2x.png" 2x); }
.card { & .title { font-weight: 600 } &:hover { transform: translateY(-1px) scale(1.02) } }
@media screen and (max-width: 600px), print and (orientation: landscape) {
  .sidebar { display: none }
}
@supports (display: grid) and (not (display: inline-grid)) {
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)) }
}
@container sidebar (min-width: 400px) { .card { padding: 2em } }
@keyframes spin { from { transform: rotate(0deg) } 50% { opacity: .5 } to { transform: rotate(360deg) } }
@-webkit-keyframes spin { to { -webkit-transform: rotate(360deg) } }
@font-face {
  font-family: "Brand Sans";
  src: url(/fonts/brand.woff2) format("woff2"), local("Arial");
  unicode-range: U+0000-00FF, U+0131;
  font-display: swap;
}
a:not(.button):is(:hover, :focus-visible) > span ~ em + b { color: var(--brand-accent, #333); filter: url(#shadow) }
input[type="email" i], [data-state^="open"] { outline: 2px solid hsl(210deg 50% 40%) }
`;
    expect(sanitiseCustomCss(css)).toBe(css);
  });

  it('removes comments, wherever they are', () => {
    const css = '/* header */\na { color: red; /* inline */ margin: 0 /* x */ 1px }\n/* end */\n';
    expect(sanitiseCustomCss(css)).toBe('a { color: red; margin: 0  1px }\n');
    // A comment between two parts of a value separated them; in a selector it did not.
    expect(sanitiseCustomCss('div/**/.x { margin: 1px/**/2px }')).toBe('div.x { margin: 1px 2px }');
    expect(sanitiseCustomCss('@media/**/screen { a { color/**/: red/**/!important } }')).toBe('@media screen { a { color : red!important } }');
  });

  it('returns an empty stylesheet for nothing but space', () => {
    expect(sanitiseCustomCss('')).toBe('');
    expect(sanitiseCustomCss('  \n')).toBe('  \n');
  });
});
