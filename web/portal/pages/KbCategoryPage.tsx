import { useParams } from 'react-router';
import type { KbCategoryPage as CategoryData } from '../../../contracts/kb.ts';
import { LoadFailed, PageHeading } from '../components/bits.tsx';
import { ArticleList, Breadcrumb, isNotFound, KbLoading, StillNeedHelp, useKbLoad } from '../components/kb.tsx';
import { usePageTitle } from '../session.tsx';
import { KbNotFound } from './KbArticlePage.tsx';

/** One category of the help center and its articles. */
export function KbCategoryPage() {
  const { slug = '' } = useParams();
  const path = `/kb/categories/${encodeURIComponent(slug)}`;
  const load = useKbLoad<CategoryData>(path);
  // The answer for another category (the previous page) is not this page.
  const current = load.status !== 'failed' && load.path === path ? load.data : undefined;
  usePageTitle(current ? `${current.category.name} · Help center` : 'Help center');

  if (load.status === 'failed' && load.path === path) {
    if (isNotFound(load.error)) return <KbNotFound what="topic" />;
    return (
      <>
        <Breadcrumb items={[{ label: 'Help center', to: '/kb' }, { label: 'Topic' }]} />
        <LoadFailed onRetry={load.retry}>This topic could not be loaded. {load.message}</LoadFailed>
      </>
    );
  }
  if (!current) return <KbLoading>Loading articles…</KbLoading>;

  const { category, articles } = current;
  return (
    <div className="kb">
      <Breadcrumb items={[{ label: 'Help center', to: '/kb' }, { label: category.name }]} />
      <PageHeading>{category.name}</PageHeading>
      {category.description && <p className="page-intro">{category.description}</p>}
      {articles.length === 0 ? (
        <div className="empty-state card">
          <h2>No articles here yet</h2>
          <p>There are no articles in this topic that you can read.</p>
        </div>
      ) : (
        <>
          <p className="result-summary">
            {articles.length} {articles.length === 1 ? 'article' : 'articles'}
          </p>
          <div className="card kb-list-card">
            <ArticleList items={articles} label={`Articles in ${category.name}`} />
          </div>
        </>
      )}
      <StillNeedHelp />
    </div>
  );
}
