import 'reflect-metadata';
import { Controller, Get, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  AuthModule,
  BearerAuthGuard,
  CurrentPrincipal,
  DevTokenIssuer,
  PRINCIPAL_KEY,
  Public,
  Roles,
  TOKEN_VERIFIER,
  TokenVerifier,
  bearerToken,
  type Principal,
} from './index';

const ISSUER = 'https://idp.nl.example';
const AUDIENCE = 'liaison-nl';
const idp = DevTokenIssuer.generate(ISSUER);
const verifierConfig = { issuer: ISSUER, audience: AUDIENCE, agency: 'NL', jwks: idp.jwks() };
const token = (roles: Principal['roles'], agency = 'NL') => idp.mint({ subject: 'sub-1', agency, roles, audience: AUDIENCE });

@Controller('t')
@Roles('liaison_officer')
class TinyController {
  @Get('inbox')
  inbox(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Get('outbox')
  @Roles('operator', 'admin')
  outbox(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Get('health')
  @Public()
  health(@CurrentPrincipal() principal: Principal | undefined) {
    return { status: 'ok', principal: principal ?? null };
  }
}

@Controller('open')
class AnyRoleController {
  @Get()
  who(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

describe('bearerToken', () => {
  it('parses the Authorization header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeNull();
  });
});

describe('BearerAuthGuard with a fake ExecutionContext', () => {
  let guard: BearerAuthGuard;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [{ provide: TOKEN_VERIFIER, useValue: new TokenVerifier(verifierConfig) }, BearerAuthGuard, Reflector],
    }).compile();
    guard = moduleRef.get(BearerAuthGuard);
  });

  function context(handler: keyof TinyController, authorization?: string, type = 'http') {
    const request: Record<string, unknown> = { headers: authorization === undefined ? {} : { authorization } };
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
    const ctx = {
      getType: () => type,
      getHandler: () => TinyController.prototype[handler],
      getClass: () => TinyController,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ExecutionContext;
    return { ctx, request, headers };
  }

  async function refusal(promise: Promise<boolean>) {
    try {
      await promise;
    } catch (e) {
      const err = e as { getStatus(): number; getResponse(): unknown };
      return { status: err.getStatus(), body: err.getResponse() };
    }
    throw new Error('expected a refusal');
  }

  it('lets a liaison officer in and attaches the principal', async () => {
    const { ctx, request } = context('inbox', `Bearer ${await token(['liaison_officer'])}`);
    await expect(guard.canActivate(ctx)).resolves.toBe(true);
    expect(request[PRINCIPAL_KEY]).toEqual({ subject: 'sub-1', agency: 'NL', roles: ['liaison_officer'] });
  });

  it('401 with the reason and WWW-Authenticate when the token is missing', async () => {
    const { ctx, headers, request } = context('inbox');
    expect(await refusal(guard.canActivate(ctx))).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', reason: 'missing', message: 'no bearer token was given' },
    });
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="liaison"');
    expect(request[PRINCIPAL_KEY]).toBeUndefined();
  });

  it('401 malformed for a non-bearer header, invalid_token in WWW-Authenticate', async () => {
    const { ctx, headers } = context('inbox', 'Basic dXNlcjpwYXNz');
    expect(await refusal(guard.canActivate(ctx))).toMatchObject({ status: 401, body: { reason: 'malformed' } });
    expect(headers['WWW-Authenticate']).toMatch(/^Bearer realm="liaison", error="invalid_token"/);
  });

  it('401 for an expired token', async () => {
    const old = DevTokenIssuer.fromPrivateJwk(ISSUER, idp.exportPrivateJwk(), { now: () => Date.now() - 7200_000 });
    const { ctx } = context('inbox', `Bearer ${await old.mint({ subject: 's', agency: 'NL', roles: ['liaison_officer'], audience: AUDIENCE })}`);
    expect(await refusal(guard.canActivate(ctx))).toMatchObject({ status: 401, body: { reason: 'expired' } });
  });

  it('403 for another agency and for the wrong role', async () => {
    const other = context('inbox', `Bearer ${await token(['liaison_officer'], 'ES')}`);
    expect(await refusal(guard.canActivate(other.ctx))).toMatchObject({ status: 403, body: { reason: 'other_agency' } });
    const wrong = context('inbox', `Bearer ${await token(['auditor'])}`);
    expect(await refusal(guard.canActivate(wrong.ctx))).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', reason: 'wrong_role', message: 'this action needs the role liaison_officer' },
    });
    expect(wrong.headers['WWW-Authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('the handler\'s @Roles override the controller\'s', async () => {
    const officer = context('outbox', `Bearer ${await token(['liaison_officer'])}`);
    expect(await refusal(guard.canActivate(officer.ctx))).toMatchObject({ status: 403, body: { reason: 'wrong_role' } });
    const admin = context('outbox', `Bearer ${await token(['admin'])}`);
    await expect(guard.canActivate(admin.ctx)).resolves.toBe(true);
  });

  it('lets @Public() routes through without a token', async () => {
    await expect(guard.canActivate(context('health').ctx)).resolves.toBe(true);
  });

  it('leaves Kafka handlers to the envelope checks and refuses other transports', async () => {
    await expect(guard.canActivate(context('inbox', undefined, 'rpc').ctx)).resolves.toBe(true);
    await expect(guard.canActivate(context('inbox', undefined, 'ws').ctx)).resolves.toBe(false);
  });
});

describe('AuthModule over HTTP', () => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(verifierConfig)],
      controllers: [TinyController, AnyRoleController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app.close());

  const get = async (path: string, authorization?: string) => {
    const res = await fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, body: await res.json(), wwwAuthenticate: res.headers.get('www-authenticate') };
  };

  it('guards every route by default and serves the principal', async () => {
    expect(await get('/t/inbox')).toMatchObject({ status: 401, body: { reason: 'missing' }, wwwAuthenticate: 'Bearer realm="liaison"' });
    expect(await get('/t/inbox', `Bearer ${await token(['liaison_officer'])}`)).toMatchObject({
      status: 200,
      body: { principal: { subject: 'sub-1', agency: 'NL', roles: ['liaison_officer'] } },
    });
    expect(await get('/t/inbox', `Bearer ${await token(['operator'])}`)).toMatchObject({ status: 403, body: { reason: 'wrong_role' } });
    expect(await get('/t/inbox', 'Bearer x.y.z')).toMatchObject({ status: 401, body: { reason: 'malformed' } });
    expect(await get('/t/health')).toEqual({ status: 200, body: { status: 'ok', principal: null }, wwwAuthenticate: null });
  });

  it('a route without @Roles admits any role of this agency, and no one else', async () => {
    for (const role of ['operator', 'liaison_officer', 'auditor', 'admin'] as const) {
      expect(await get('/open', `Bearer ${await token([role])}`)).toMatchObject({ status: 200, body: { roles: [role] } });
    }
    expect(await get('/open', `Bearer ${await token(['admin'], 'CO')}`)).toMatchObject({ status: 403, body: { reason: 'other_agency' } });
  });

  it('accepts a ready TokenVerifier and can leave routes unguarded', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(new TokenVerifier(verifierConfig), { guardAllRoutes: false })],
      controllers: [AnyRoleController],
    }).compile();
    const open = moduleRef.createNestApplication({ logger: false });
    await open.init();
    expect(open.get(TOKEN_VERIFIER)).toBeInstanceOf(TokenVerifier);
    expect(open.get(BearerAuthGuard)).toBeInstanceOf(BearerAuthGuard);
    await open.close();
  });
});
