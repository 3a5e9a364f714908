/**
 * Server-rendered fallbacks. They carry no product name or logo: a contact on a
 * white-labelled portal must never see whose software runs it.
 */
const page = (title: string, heading: string, text: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1f2933;background:#f5f7fa;margin:0;display:grid;place-items:center;min-height:100vh}
main{max-width:28rem;padding:2rem;text-align:center}h1{font-size:1.5rem;margin:0 0 .5rem}p{color:#52606d}</style>
</head><body><main><h1>${heading}</h1><p>${text}</p></main></body></html>`;

export const notFoundPage = () =>
  page('Page not found', 'Page not found', 'The address may be mistyped, or the page may have moved. Check the link you were sent.');

export const notBuiltPage = () =>
  page('Not built', 'The web app is not built yet', 'Run <code>npm run build:web</code> (npm start does it for you), then reload.');

/** These pages have only an inline style: nothing else may load. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

export const linkExpiredPage = () =>
  page(
    'Link not valid',
    'This link is no longer valid',
    'It may have expired or been replaced by a newer one. Use the newest email you received, or reply to it and ask for a new link.',
  );
