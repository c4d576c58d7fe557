import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { QueryParams, UuidPipe } from '../http/request-shape';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { NoticeService } from '../exchange/notice.service';
import { refuse } from '../exchange/refusals';
import { CasesQueries } from './cases.queries';
import { CasesService } from './cases.service';

const pageSize = (raw?: string): number | undefined => (raw === undefined ? undefined : /^\d{1,3}$/.test(raw) ? Number(raw) : NaN);

/** Cases (joint operations): open, invite, answer, leave, close; list and view; notices to all participants. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService, private readonly queries: CasesQueries, private readonly notices: NoticeService) {}

  @Post()
  @Roles('operator')
  @Idempotent()
  open(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.cases.open(principal, body);
  }

  @Get()
  @Roles('operator', 'liaison_officer', 'auditor')
  @QueryParams('limit')
  list(@CurrentPrincipal() principal: Principal, @Query('limit') limit?: string) {
    return this.queries.list(principal, pageSize(limit));
  }

  @Get(':id')
  @Roles('operator', 'liaison_officer', 'auditor')
  show(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string) {
    return this.queries.show(principal, id);
  }

  @Post(':id/invite')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async invite(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown) {
    await this.cases.invite(principal, id, body);
    return this.queries.show(principal, id);
  }

  @Post(':id/accept')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async accept(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string) {
    await this.cases.accept(principal, id);
    return this.queries.show(principal, id);
  }

  @Post(':id/decline')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async decline(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown) {
    await this.cases.decline(principal, id, body);
    return this.queries.show(principal, id);
  }

  @Post(':id/leave')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async leave(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string) {
    await this.cases.leave(principal, id);
    return this.queries.show(principal, id);
  }

  @Post(':id/close')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async close(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string) {
    await this.cases.close(principal, id);
    return this.queries.show(principal, id);
  }

  /**
   * A notice of the case. Without `recipients` it goes to all participants (the current members
   * but this agency, expanded now); without `handling`, the case's default handling code applies.
   */
  @Post(':id/notices')
  @Roles('operator')
  @Idempotent()
  async send(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw refuse.invalid([{ field: '', message: 'must be a JSON object' }]);
    const request = body as Record<string, unknown>;
    if ('case' in request) throw refuse.invalid([{ field: '/case', message: 'is given by the path' }]);
    const row = await this.cases.requireCase(id);
    const recipients = request.recipients ?? (await this.cases.participants(id));
    const { id: noticeId, deadline } = await this.notices.send(principal, { handling: row.state.definition.handling, ...request, recipients, case: id });
    return { id: noticeId, deadline: deadline?.toISOString() ?? null, status: 'SENT', recipients };
  }
}

/** The thread of a notice: what it follows up and every follow-up, linked by `re`. */
@ApiTags('notices (operator)')
@ApiBearerAuth()
@Controller('notices')
export class ThreadController {
  constructor(private readonly queries: CasesQueries) {}

  @Get(':id/thread')
  @Roles('operator', 'liaison_officer', 'auditor')
  thread(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string) {
    return this.queries.thread(principal, id);
  }
}
