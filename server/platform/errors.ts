/**
 * The one error catalogue: every error a client can see has a stable code, an HTTP status
 * and a safe message. Routes and operations throw `AppError`; the error handler presents it.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, message: 'Some fields are missing or invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  unsupported_media_type: { status: 415, message: 'Send the request body as application/json.' },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.' },
  invalid_mfa_code: { status: 401, message: 'That code is not right, or was already used. Try the newest code from your app.' },
  reauth_required: { status: 401, message: "Confirm it's you: enter your password or a code from your authenticator app." },
  csrf_failed: { status: 403, message: 'The request could not be verified. Reload the page and try again.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  portal_ticket_creation_disabled: {
    status: 403,
    message: 'New tickets cannot be created from the portal. Contact your support team directly.',
  },
  portal_ticket_closing_disabled: {
    status: 403,
    message: 'Tickets cannot be closed from the portal. Reply to ask your support team to close it.',
  },
  registration_disabled: { status: 403, message: 'Accounts cannot be created here. Ask your support team for an invitation.' },
  sign_in_method_disabled: { status: 403, message: 'This sign-in method is switched off for this portal.' },
  invalid_link: { status: 400, message: 'This link is invalid, was already used or has expired. Request a new one.' },
  password_incorrect: { status: 400, message: 'The current password is not right.' },
  not_found: { status: 404, message: 'Not found.' },
  invalid_status_transition: { status: 409, message: 'The ticket cannot move to that status from its current one.' },
  ticket_closed: {
    status: 409,
    message: 'This ticket is closed and cannot be changed. Create a new ticket to follow up.',
  },
  chat_unavailable: {
    status: 409,
    message: 'No one is available to chat right now. Create a ticket instead and we will get back to you.',
  },
  chat_already_open: { status: 409, message: 'You already have a chat open. Continue it instead of starting another.' },
  chat_taken: { status: 409, message: 'Another technician has already accepted this chat.' },
  chat_closed: { status: 409, message: 'This chat has ended. Its transcript was saved as a ticket.' },
  kb_article_changed: {
    status: 409,
    message: 'Someone else saved this article while you were editing it. Copy your text, reload to see their version, then apply your changes.',
  },
  kb_category_not_empty: { status: 409, message: 'This category still has articles. Move or delete them first.' },
  email_taken: { status: 409, message: 'Someone in this workspace already uses that email address.' },
  payload_too_large: { status: 413, message: 'The request is too large.' },
  file_too_large: { status: 413, message: 'A file is larger than the limit.' },
  too_many_files: { status: 413, message: 'Too many files at once.' },
  file_empty: { status: 400, message: 'A file is empty. Choose the file again.' },
  upload_invalid: { status: 400, message: 'Send the files as multipart/form-data, in fields named "file".' },
  attachment_invalid: {
    status: 400,
    message: 'An attached file is no longer available (already sent or removed). Remove it and attach it again.',
  },
  upload_quota_exceeded: {
    status: 429,
    message: 'You have too many files waiting to be sent. Send or remove some, then try again.',
  },
  storage_unavailable: {
    status: 503,
    message: 'Files cannot be stored right now. Try again in a few minutes; if it keeps failing, tell your support team.',
  },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
  },
  branding_css_invalid: {
    status: 400,
    message: 'The custom CSS cannot be used. Fix the problems listed (line and column given) and save again.',
  },
  branding_image_invalid: {
    status: 400,
    message: 'The image cannot be used. Upload a PNG, JPEG, GIF, WebP, ICO or SVG file within the size limit.',
  },
  domain_invalid: {
    status: 400,
    message: 'Enter a domain name you own, such as support.example.com (no https:// and no path).',
  },
  domain_taken: { status: 409, message: 'This domain is already in use. Remove it where it is used first, or choose another.' },
  rate_limited: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  not_ready: { status: 503, message: 'The server is starting or cannot reach its database.' },
  internal: { status: 500, message: 'Something went wrong on our side. Try again in a moment.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One problem with one input field, as reported to the client. */
export type FieldIssue = { field: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, opts: { message?: string; fields?: FieldIssue[]; details?: Record<string, unknown> } = {}) {
    super(opts.message ?? errorCatalogue[code].message);
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fields = opts.fields;
    this.details = opts.details;
  }
}

/** Response body of every error. */
export type ErrorBody = {
  error: { code: ErrorCode; message: string; fields?: FieldIssue[]; details?: Record<string, unknown> };
};

export function errorBody(err: AppError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.fields ? { fields: err.fields } : {}),
      ...(err.details ? { details: err.details } : {}),
    },
  };
}

export const notFound = () => new AppError('not_found');
