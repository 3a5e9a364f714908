import { useEffect } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { KbArticlePage as ArticleData } from '../../../contracts/kb.ts';
import { LoadFailed, PageHeading } from '../components/bits.tsx';
import {
  ArticleBody,
  ArticleList,
  Breadcrumb,
  isMoved,
  isNotFound,
  KbDate,
  KbLoading,
  kbArticlePath,
  kbCategoryPath,
  movedSlug,
  StillNeedHelp,
  useKbLoad,
  VoteBox,
  type KbMoved,
} from '../components/kb.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/** One help article: breadcrumb, title, date, body, "Was this helpful?", related articles. */
export function KbArticlePage() {
  const { slug = '' } = useParams();
  const navigate = useNavigate();
  const { contact, workspace } = useSession();
  const path = `/kb/articles/${encodeURIComponent(slug)}`;
  const load = useKbLoad<ArticleData | KbMoved>(path);
  const answer = load.status !== 'failed' && load.path === path ? load.data : undefined;
  const data = answer && !isMoved(answer) ? answer : undefined;
  usePageTitle(data ? data.article.title : 'Help center');

  // Renamed: the old address answers with the new slug.
  const movedTo = answer && isMoved(answer) ? movedSlug(answer.movedTo) : null;
  useEffect(() => {
    if (movedTo && movedTo !== slug) navigate(kbArticlePath(movedTo), { replace: true });
  }, [movedTo, slug, navigate]);

  if (load.status === 'failed' && load.path === path) {
    if (isNotFound(load.error)) return <KbNotFound what="article" />;
    return (
      <>
        <Breadcrumb items={[{ label: 'Help center', to: '/kb' }, { label: 'Article' }]} />
        <LoadFailed onRetry={load.retry}>This article could not be loaded. {load.message}</LoadFailed>
      </>
    );
  }
  if (!data) return <KbLoading>Loading the article…</KbLoading>;

  const { article, related, myVote } = data;
  return (
    <div className="kb kb-article-layout">
      <article className="kb-article" aria-labelledby="kb-article-title">
        <Breadcrumb
          items={[
            { label: 'Help center', to: '/kb' },
            { label: article.category.name, to: kbCategoryPath(article.category.slug) },
          ]}
        />
        <header className="kb-article-header">
          <PageHeading className="kb-article-title">
            <span id="kb-article-title">{article.title}</span>
          </PageHeading>
          <p className="kb-article-meta">
            Updated <KbDate iso={article.updatedAt} />
          </p>
        </header>
        <div className="card kb-article-card">
          <ArticleBody html={article.html} />
        </div>
        <VoteBox
          key={article.id}
          slug={article.slug}
          initial={myVote}
          afterNo={
            workspace.settings.ticketCreation && (
              <p className="kb-vote-next">
                Sorry about that.{' '}
                {contact ? (
                  <Link to="/tickets/new">Create a ticket</Link>
                ) : (
                  <Link to="/tickets/new">Sign in to create a ticket</Link>
                )}{' '}
                and the support team will help.
              </p>
            )
          }
        />
      </article>
      <div className="kb-article-aside">
        {related.length > 0 && (
          <section className="kb-related card" aria-labelledby="kb-related-title">
            <h2 id="kb-related-title" className="kb-related-title">
              More in {article.category.name}
            </h2>
            <ArticleList items={related} compact />
          </section>
        )}
        <StillNeedHelp compact />
      </div>
    </div>
  );
}

/** A help page that does not exist, or (signed out) one that may need a sign-in. */
export function KbNotFound({ what }: { what: 'article' | 'topic' }) {
  const { contact, base } = useSession();
  const { pathname, search } = useLocation();
  const title = what === 'article' ? 'Article not found' : 'Topic not found';
  usePageTitle(title);
  const next = new URLSearchParams({ next: `${base}${pathname}${search}` });
  return (
    <div className="not-found">
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <PageHeading>{title}</PageHeading>
      <p className="page-intro">
        {contact
          ? `This ${what} may have been moved or removed. Search the help center for what you need.`
          : `This ${what} may have been moved or removed, or you may need to sign in to read it.`}
      </p>
      <div className="kb-not-found-actions">
        <Link to="/kb" className="btn btn-primary">
          Go to the help center
        </Link>
        {!contact && (
          <Link to={`/?${next}`} className="btn">
            Sign in
          </Link>
        )}
      </div>
    </div>
  );
}
