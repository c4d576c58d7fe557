// One access line per HTTP request, and a request id carried into every line its handling writes.
// The line holds method, path (no query string, no headers: never a token), status and duration.
import { Logger } from '@nestjs/common';
import { uuidv7 } from '@liaison/ids';
import { requestContext } from './json-logger';

interface Req {
  method: string;
  path: string;
}
interface Res {
  statusCode: number;
  setHeader(name: string, value: string): void;
  on(event: 'finish', listener: () => void): void;
}

/** Probes polled every few seconds: logged at debug, not to drown the access log. */
const QUIET = /^\/(health\/(live|ready)|metrics)$/;

const logger = new Logger('Http');

export function accessLog(req: Req, res: Res, next: () => void): void {
  const requestId = uuidv7();
  const started = process.hrtime.bigint();
  res.setHeader('X-Request-Id', requestId);
  res.on('finish', () =>
    requestContext.run({ requestId }, () => {
      const line = `${req.method} ${req.path} ${res.statusCode} ${Number((process.hrtime.bigint() - started) / 1000n) / 1000} ms`;
      if (QUIET.test(req.path)) logger.debug(line);
      else logger.log(line);
    }),
  );
  requestContext.run({ requestId }, next);
}
