import { Link } from 'react-router';
import { AuthFrame, LinkSent } from '../components/AuthFrame.tsx';
import { LinkRequestForm, useLinkRequest } from '../components/LinkRequestForm.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/** Ask for a link to choose a new password. The answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const { signInMethods } = useSession();
  usePageTitle('Forgot your password?');
  const request = useLinkRequest('forgot-password');
  const { sentTo } = request;

  return (
    <AuthFrame
      title="Forgot your password?"
      intro={sentTo ? undefined : 'Enter the email address of your account and we will send you a link to choose a new password.'}
    >
      {sentTo ? (
        <LinkSent onReset={request.reset}>
          <p>
            If an account exists for <strong className="break">{sentTo}</strong>, we sent a link to choose a new password. It
            works once and expires in 1 hour.
          </p>
          <p>Check your spam folder if it does not arrive in a few minutes.</p>
        </LinkSent>
      ) : (
        <LinkRequestForm request={request} id="forgot-email" formLabel="Forgot your password" submitLabel="Send me a link" />
      )}
      <p className="signin-help">
        {signInMethods.magicLink ? 'Remembered it, or want to sign in with an email link instead? ' : 'Remembered it? '}
        <Link to="/">Back to sign-in</Link>
      </p>
    </AuthFrame>
  );
}
