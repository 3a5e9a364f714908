import { Link } from 'react-router';
import { PageHeading } from '../components.tsx';
import { usePageTitle } from '../hooks.ts';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <div className="page">
      <PageHeading>Page not found</PageHeading>
      <p>This address doesn’t match any page of the staff app. It may be mistyped, or the page may have moved.</p>
      <p>
        <Link to="/">Go to the ticket queue</Link>
      </p>
    </div>
  );
}
