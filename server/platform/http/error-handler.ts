import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorBody } from '../errors.ts';
import { notFoundPage, PAGE_CSP } from './pages.ts';

/** Maps framework errors onto the catalogue; anything unexpected is logged and hidden. */
function toAppError(err: FastifyError | AppError, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    default:
      break;
  }
  if (err.statusCode === 429) return new AppError('rate_limited');
  if (err instanceof SyntaxError && err.statusCode === 400) return new AppError('invalid_json');
  request.log.error({ err }, 'unhandled error');
  return new AppError('internal');
}

/** Browsers asking for a page get an HTML page; everything else gets the JSON error body. */
const wantsPage = (request: FastifyRequest) =>
  request.method === 'GET' && !request.url.includes('/api/') && (request.headers.accept ?? '').includes('text/html');

export function sendError(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  if (err.status === 404 && wantsPage(request)) {
    return reply
      .code(404)
      .header('content-security-policy', PAGE_CSP)
      .type('text/html; charset=utf-8')
      .send(notFoundPage());
  }
  if (err.code === 'rate_limited') reply.header('retry-after', '60');
  return reply.code(err.status).send(errorBody(err));
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) =>
    sendError(request, reply, toAppError(err, request)),
  );
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('not_found')));
}
