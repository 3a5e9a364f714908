/**
 * Email bodies: one small layout, HTML and plain text, carrying the portal's branding (the
 * contact's client's name, colour and logo). Never the product's name: a contact must
 * only ever see their provider.
 */
/** `logoUrl`: absolute, shown above the message when set. */
export type Brand = { name: string; color: string; logoUrl?: string | null };

export type MailContent = {
  subject: string;
  /** Paragraphs of plain text. */
  lines: string[];
  action?: { label: string; url: string };
  /** Small print under the button (why you got this, expiry). */
  footer?: string;
};

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const safeColor = (c: string) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : '#1f5fbf');

export function render(brand: Brand, content: MailContent): { subject: string; text: string; html: string } {
  const color = safeColor(brand.color);
  const text = [
    ...content.lines,
    ...(content.action ? [`${content.action.label}: ${content.action.url}`] : []),
    ...(content.footer ? [content.footer] : []),
    `— ${brand.name}`,
  ].join('\n\n');
  const paragraphs = content.lines
    .map((l) => `<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2933">${escape(l)}</p>`)
    .join('');
  const button = content.action
    ? `<p style="margin:24px 0"><a href="${escape(content.action.url)}" style="display:inline-block;background:${color};color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px">${escape(content.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;line-height:20px;color:#52606d">If the button does not work, copy this address into your browser:<br><a href="${escape(content.action.url)}" style="color:${color};word-break:break-all">${escape(content.action.url)}</a></p>`
    : '';
  const footer = content.footer
    ? `<p style="margin:24px 0 0;font-size:13px;line-height:20px;color:#52606d">${escape(content.footer)}</p>`
    : '';
  const logo = brand.logoUrl && /^https?:\/\//.test(brand.logoUrl)
    ? `<img src="${escape(brand.logoUrl)}" alt="" height="40" style="display:block;height:40px;width:auto;max-width:200px;margin:0 0 8px;border:0">`
    : '';
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(content.subject)}</title></head>
<body style="margin:0;padding:0;background:#f5f7fa;font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f7fa;padding:24px 0"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;border-top:4px solid ${color}">
<tr><td style="padding:24px 32px 8px;font-size:18px;font-weight:700;color:#1f2933">${logo}${escape(brand.name)}</td></tr>
<tr><td style="padding:8px 32px 32px">${paragraphs}${button}${footer}</td></tr>
</table></td></tr></table></body></html>`;
  return { subject: content.subject, text, html };
}
