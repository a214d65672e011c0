import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { HallgateError } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/log.ts';

/** The body of every error answer. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** The offending field of a bad request (`query.date`, `body.reason`, `params.id`). */
  field?: string;
  reason?: string;
}

/** Status of a HallgateError by its code. */
function statusOf(code: string): number {
  if (code.endsWith('NOT_FOUND')) return 404;
  if (code.startsWith('IMPORT_') || code === 'USAGE' || code.startsWith('BAD_')) return 400;
  if (code.endsWith('CONFLICT')) return 409;
  return 500;
}

const CONTEXT: Record<string, string> = {
  querystring: 'query',
  body: 'body',
  params: 'params',
  headers: 'headers',
};

/**
 * Turns validation errors into 400s naming the field and the reason, domain
 * errors into their status, and anything else into a logged 500 with no
 * internals in the body.
 */
export function errorHandler(log: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0];
      const where = CONTEXT[err.validationContext ?? ''] ?? 'request';
      const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      const field = path ? `${where}.${path}` : where;
      const raw = first?.message ?? 'invalid';
      const reason = /received undefined/.test(raw) ? 'required' : raw;
      return reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: `${field}: ${reason}`,
        field,
        reason,
      } satisfies ApiErrorBody);
    }
    if (err instanceof HallgateError) {
      const status = statusOf(err.code);
      if (status === 500) log.error({ err, url: req.url }, 'request failed');
      return reply.code(status).send({ statusCode: status, error: err.code, message: err.message });
    }
    if (isResponseSerializationError(err)) {
      log.error({ err, url: req.url }, 'response does not match its schema');
      return reply
        .code(500)
        .send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      log.error({ err, url: req.url }, 'request failed');
      return reply
        .code(500)
        .send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    }
    return reply.code(status).send({ statusCode: status, error: err.code ?? 'Error', message: err.message });
  };
}
