/**
 * NestJS wiring: a guard that checks `Authorization: Bearer …` on every HTTP route unless it is
 * marked @Public(), role metadata, a parameter decorator for the principal, and a small module.
 */
import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Module,
  ServiceUnavailableException,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { Principal, Role } from './roles';
import { TokenVerifier, type TokenVerifierConfig, type VerifyFailureReason } from './token-verifier';

/** Injection token of the TokenVerifier the guard uses. */
export const TOKEN_VERIFIER = Symbol('liaison:TOKEN_VERIFIER');
export const ROLES_KEY = 'liaison:roles';
export const IS_PUBLIC_KEY = 'liaison:public';
/** The request property the guard sets. */
export const PRINCIPAL_KEY = 'principal';

/** The route (or every route of the controller) needs one of these roles. Without it, any role of this agency will do. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No token needed (health, metrics, the JWKS document). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** The verified principal of the request (undefined on @Public() routes). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined => ctx.switchToHttp().getRequest()[PRINCIPAL_KEY],
);

export interface AuthErrorBody {
  statusCode: number;
  error: string;
  reason: VerifyFailureReason | 'wrong_role';
  message: string;
}

const FORBIDDEN: ReadonlySet<string> = new Set(['other_agency', 'no_role']);

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  [PRINCIPAL_KEY]?: Principal;
}
interface HttpResponseLike {
  setHeader?: (name: string, value: string) => void;
}

/** "Bearer <token>" → token; undefined when absent; null when present but not a bearer token. */
export function bearerToken(header: string | string[] | undefined): string | undefined | null {
  if (header === undefined || header === '') return undefined;
  if (typeof header !== 'string') return null;
  const match = /^Bearer +([^ ]+) *$/i.exec(header);
  return match ? match[1] : null;
}

function quote(text: string): string {
  return text.replace(/["\\]/g, '');
}

@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers ('rpc') are authenticated by the envelope's signatures, not by bearer tokens.
    if (context.getType() === 'rpc') return true;
    if (context.getType() !== 'http') return false;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const response = context.switchToHttp().getResponse<HttpResponseLike>();
    const token = bearerToken(request.headers.authorization);
    const result =
      token === null
        ? ({ ok: false, reason: 'malformed', message: 'the Authorization header is not "Bearer <token>"' } as const)
        : await this.verifier.verify(token);
    if (!result.ok) throw this.refusal(result.reason, result.message, response);

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required && required.length > 0 && !required.some((r) => result.principal.roles.includes(r))) {
      throw this.refusal('wrong_role', `this action needs the role ${required.join(' or ')}`, response);
    }
    request[PRINCIPAL_KEY] = result.principal;
    return true;
  }

  private refusal(reason: AuthErrorBody['reason'], message: string, response: HttpResponseLike): HttpException {
    if (reason === 'jwks_unavailable') {
      response.setHeader?.('Retry-After', '5');
      return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', reason, message } satisfies AuthErrorBody);
    }
    if (reason === 'wrong_role' || FORBIDDEN.has(reason)) {
      response.setHeader?.('WWW-Authenticate', `Bearer realm="liaison", error="insufficient_scope", error_description="${quote(message)}"`);
      return new ForbiddenException({ statusCode: HttpStatus.FORBIDDEN, error: 'Forbidden', reason, message } satisfies AuthErrorBody);
    }
    // RFC 6750 §3: no error code when the request carried no token at all.
    response.setHeader?.(
      'WWW-Authenticate',
      reason === 'missing' ? 'Bearer realm="liaison"' : `Bearer realm="liaison", error="invalid_token", error_description="${quote(message)}"`,
    );
    return new UnauthorizedException({ statusCode: HttpStatus.UNAUTHORIZED, error: 'Unauthorized', reason, message } satisfies AuthErrorBody);
  }
}

export interface AuthModuleOptions {
  /** Register the guard for every route (APP_GUARD); routes opt out with @Public(). Default true. */
  guardAllRoutes?: boolean;
}

@Module({})
export class AuthModule {
  /** Provides TOKEN_VERIFIER (from a config or a ready verifier) and BearerAuthGuard. */
  static forRoot(verifier: TokenVerifierConfig | TokenVerifier, options: AuthModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: TOKEN_VERIFIER, useValue: verifier instanceof TokenVerifier ? verifier : new TokenVerifier(verifier) },
      BearerAuthGuard,
    ];
    if (options.guardAllRoutes ?? true) providers.push({ provide: APP_GUARD, useExisting: BearerAuthGuard });
    return { module: AuthModule, providers, exports: [TOKEN_VERIFIER, BearerAuthGuard] };
  }
}
