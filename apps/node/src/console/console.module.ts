import { Controller, Get, Inject, Logger, Module, OnApplicationBootstrap, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { problem, ProblemException } from '../http/problem';
import { QueryParams, UuidPipe } from '../http/request-shape';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, extname, join, relative, sep } from 'path';
import { Public, Roles } from '@liaison/auth';
import { MAX_ATTACHMENTS_PER_NOTICE } from '@liaison/attachments';
import { httpBaseUrl, type NodeConfig } from '../config/node-config';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerRepository } from '../ledger/ledger.repository';
import { NODE_CONFIG } from '../tokens';
import { ExchangeModule } from '../exchange/exchange.module';
import { ConsoleEventsController } from './events.controller';

/**
 * The federation's attachment policy as the browser checks it before an upload (the node checks
 * again): the media types allowed, the largest file, the largest total and count per notice.
 */
export interface ConsoleAttachmentPolicy {
  types: string[];
  /** File name extension → media type, for a file the browser gives no type (or another name for it). */
  extensions: Record<string, string>;
  maxAttachmentBytes: number;
  maxNoticeBytes: number;
  maxAttachments: number;
}

/** What the console needs to know before anyone signs in. */
export interface ConsoleConfig {
  agency: string;
  oidc: { issuer: string; clientId: string } | null;
  attachments: ConsoleAttachmentPolicy;
}

interface StaticFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

/** Finds apps/node/console from the source tree (ts-node, Jest) or from dist/ (compiled). */
export function findConsoleDir(configured?: string): string {
  if (configured) {
    if (!existsSync(join(configured, 'index.html'))) throw new Error(`LIAISON_CONSOLE_DIR=${configured} has no index.html`);
    return configured;
  }
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'console'), join(dir, 'apps', 'node', 'console')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error('the console files (apps/node/console) were not found; set LIAISON_CONSOLE_DIR');
}

/** Reads every file once at start: nothing on disk is looked up per request. */
export function loadConsoleFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (TYPES[extname(name)]) files.set(relative(root, path).split(sep).join('/'), { body: readFileSync(path), type: TYPES[extname(name)] });
    }
  };
  walk(root);
  return files;
}

export function consoleConfig(config: NodeConfig): ConsoleConfig {
  const policy = config.attachments;
  return {
    agency: config.agency,
    oidc: config.oidc,
    attachments: {
      types: policy.media.map((r) => r.type),
      extensions: Object.fromEntries(policy.media.flatMap((r) => (r.extensions ?? []).map((e) => [e, r.type]))),
      maxAttachmentBytes: policy.maxAttachmentBytes,
      maxNoticeBytes: policy.maxNoticeBytes,
      maxAttachments: MAX_ATTACHMENTS_PER_NOTICE,
    },
  };
}

/**
 * Strict CSP: own scripts and styles only, no inline code, API calls to this node (and the
 * identity provider). Images also from blob: URLs: the preview of an attachment is fetched with
 * the bearer token (never put in a URL) and shown from a blob the page made itself.
 */
export function contentSecurityPolicy(config: ConsoleConfig): string {
  let connect = "'self'";
  if (config.oidc) connect += ` ${new URL(config.oidc.issuer).origin}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${connect}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

interface Res {
  setHeader(name: string, value: string): void;
  status(code: number): Res;
  redirect(code: number, url: string): void;
  send(body: unknown): void;
}

/** The web console: static files at /console/ and its public configuration. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController implements OnApplicationBootstrap {
  private readonly files: Map<string, StaticFile>;
  private readonly config: ConsoleConfig;
  private readonly csp: string;

  constructor(
    @Inject(NODE_CONFIG) nodeConfig: NodeConfig,
    private readonly ledger: LedgerRepository,
  ) {
    this.files = loadConsoleFiles(findConsoleDir(nodeConfig.consoleDir));
    this.config = consoleConfig(nodeConfig);
    this.csp = contentSecurityPolicy(this.config);
    this.baseUrl = httpBaseUrl(nodeConfig);
  }

  private readonly baseUrl: string;

  onApplicationBootstrap(): void {
    new Logger('Console').log(`web console at ${this.baseUrl}/console/ (${this.files.size} files${this.config.oidc ? `, sign-in with ${this.config.oidc.issuer}` : ', development tokens'})`);
  }

  @Public()
  @Get('config.json')
  configJson(): ConsoleConfig {
    return this.config;
  }

  /**
   * The operator's timeline of one sent notice: per recipient agency, when each step happened and
   * who acted, read from this node's own ledger (metadata only). The notice API reports only each
   * recipient's current state; the ledger has every step.
   */
  @Roles('operator')
  @Get('api/notices/:id/progress')
  async progress(@Param('id', UuidPipe) id: string) {
    const rows = await this.ledger.noticeSteps(id, 1000);
    const steps = new Map<string, { status: string; at: string; actedBy: string | null }[]>();
    for (const r of rows) {
      const list = steps.get(r.counterpart) ?? [];
      list.push({ status: r.event.toUpperCase(), at: new Date(r.time).toISOString(), actedBy: r.actor });
      steps.set(r.counterpart, list);
    }
    return { id, recipients: [...steps].map(([agency, history]) => ({ agency, history })) };
  }

  @Public()
  @Get()
  // The identity provider's redirect back to the console (OAuth 2.0 authorization response, RFC 9207 iss).
  @QueryParams('code', 'state', 'iss', 'session_state', 'error', 'error_description')
  index(@Req() req: { originalUrl: string }, @Res() res: Res): void {
    // Relative URLs (and the OIDC redirect URI) assume the trailing slash.
    const [path, query] = req.originalUrl.split('?');
    if (!path.endsWith('/')) return res.redirect(301, `${path}/${query ? `?${query}` : ''}`);
    this.send(res, 'index.html');
  }

  @Public()
  @Get('*path')
  file(@Req() req: { path: string }, @Res() res: Res): void {
    const name = decodeURIComponent(req.path.replace(/^\/console\/?/, ''));
    if (!this.files.has(name)) throw new ProblemException(problem(404, 'not_found', 'no such console file'));
    this.send(res, name);
  }

  private send(res: Res, name: string): void {
    const file = this.files.get(name) as StaticFile;
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Security-Policy', this.csp);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.status(200).send(file.body);
  }
}

@Module({ imports: [ExchangeModule, LedgerModule], controllers: [ConsoleEventsController, ConsoleController] }) // events first: ConsoleController's *path would answer its route
export class ConsoleModule {}
