import { Link } from 'react-router';
import { PageHeading } from '../components/bits.tsx';
import { usePageTitle } from '../session.tsx';

export function NotFoundPage({
  title = 'Page not found',
  text = 'The address may be mistyped, or the page may have moved. Check the link you were sent.',
}: {
  title?: string;
  text?: string;
}) {
  usePageTitle(title);
  return (
    <div className="not-found">
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <PageHeading>{title}</PageHeading>
      <p className="page-intro">{text}</p>
      <Link to="/" className="btn btn-primary">
        Go to my tickets
      </Link>
    </div>
  );
}
