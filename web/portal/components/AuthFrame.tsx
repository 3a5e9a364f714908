/** The frame of the pages around signing in: one centred card, the workspace's name above. */
import { useEffect, useRef, type ReactNode } from 'react';
import { PageHeading, Spinner } from './bits.tsx';
import { useSession } from '../session.tsx';

export function AuthFrame({
  title,
  intro,
  children,
  wide = false,
  brandAsTitle = false,
}: {
  title: ReactNode;
  intro?: ReactNode;
  children?: ReactNode;
  /** For the set-up screen with its QR code and recovery codes. */
  wide?: boolean;
  /** The sign-in page: the workspace's name is the heading itself. */
  brandAsTitle?: boolean;
}) {
  const { workspace } = useSession();
  return (
    <main id="main" className="signin-page">
      <div className={wide ? 'signin-card signin-card-wide card' : 'signin-card card'}>
        {workspace.branding.logoUrl && <img className="auth-logo" src={workspace.branding.logoUrl} alt={workspace.name} />}
        {!brandAsTitle && <p className="auth-brand">{workspace.name}</p>}
        <PageHeading className="signin-title">{title}</PageHeading>
        {intro && <p className="signin-intro">{intro}</p>}
        {children}
      </div>
    </main>
  );
}

/**
 * The fixed answer after asking for a link by email: the same words whether or not an
 * account exists, so the page gives nothing away.
 */
export function LinkSent({
  title = 'Check your email',
  children,
  onReset,
  resetLabel = 'Use a different email',
}: {
  title?: string;
  children: ReactNode;
  onReset?: () => void;
  resetLabel?: string;
}) {
  // The form this replaces had the focus: move it here so the answer is read out.
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="link-sent">
      <div className="link-sent-icon" aria-hidden="true">
        ✉
      </div>
      <h2 className="link-sent-title" ref={ref} tabIndex={-1}>
        {title}
      </h2>
      <div className="link-sent-text">{children}</div>
      {onReset && (
        <button type="button" className="btn btn-block" onClick={onReset}>
          {resetLabel}
        </button>
      )}
    </div>
  );
}

/** The fixed answer after asking for a sign-in link. */
export function MagicLinkSent({ email, onReset }: { email: string; onReset: () => void }) {
  return (
    <LinkSent onReset={onReset}>
      <p>
        If an account exists for <strong className="break">{email}</strong>, we sent a sign-in link. It works once and
        expires in 7 days.
      </p>
      <p>Check your spam folder if it does not arrive in a few minutes.</p>
    </LinkSent>
  );
}

/** An emailed link that could not be used because of an error: the server's message and a retry. */
export function RedeemFailed({
  title,
  message,
  onRetry,
  children,
}: {
  title: ReactNode;
  message: string;
  onRetry: () => void;
  /** Links below the retry button. */
  children?: ReactNode;
}) {
  return (
    <AuthFrame title={title}>
      <div className="alert alert-error" role="alert">
        {message}
      </div>
      <button type="button" className="btn btn-primary btn-block" onClick={onRetry}>
        Try again
      </button>
      {children}
    </AuthFrame>
  );
}

/** While an emailed link is being used. */
export function RedeemWorking({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <AuthFrame title={title}>
      <p className="working" role="status">
        <Spinner /> {children}
      </p>
    </AuthFrame>
  );
}
