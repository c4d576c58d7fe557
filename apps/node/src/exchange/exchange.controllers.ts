import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { QueryParams, UuidPipe } from '../http/request-shape';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { NoticeQueries, parseInboxFilter } from './notice.queries';
import { NoticeService } from './notice.service';

/** Disambiguates an inbound id that two agencies chose (ids are unique per sender only). */
const SENDER = 'sender';

/** The inbox filter's parameters (parseInboxFilter reads exactly these). */
const INBOX_FILTER = ['status', 'kind', 'priority', 'sender', 'overdue', 'limit'] as const;

function pageSize(raw: unknown): number {
  return parseInboxFilter({ limit: raw }).limit;
}

/** Operators: compose, send and follow notices. */
@ApiTags('notices (operator)')
@ApiBearerAuth()
@Controller('notices')
export class NoticesController {
  constructor(private readonly notices: NoticeService, private readonly queries: NoticeQueries) {}

  @Post()
  @Roles('operator')
  @Idempotent()
  async send(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { id, deadline } = await this.notices.send(principal, body);
    return { id, deadline: deadline?.toISOString() ?? null, status: 'SENT' };
  }

  @Post('batch')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async sendBatch(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const outcomes = await this.notices.sendBatch(principal, body);
    const sent = outcomes.filter((o) => o.status === 201).length;
    return {
      sent,
      refused: outcomes.length - sent,
      results: outcomes.map((o) => ('id' in o ? { status: o.status, id: o.id, deadline: o.deadline?.toISOString() ?? null } : o)),
    };
  }

  @Get()
  @Roles('operator')
  @QueryParams('limit')
  list(@Query('limit') limit?: string) {
    return this.queries.sent(pageSize(limit));
  }

  @Get(':id')
  @Roles('operator')
  detail(@Param('id', UuidPipe) id: string) {
    return this.queries.detail(id, 'outbound');
  }
}

/** Liaison officers: the inbox of received queries and what they do with them. */
@ApiTags('inbox (liaison officer)')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly notices: NoticeService, private readonly queries: NoticeQueries) {}

  @Get()
  @Roles('liaison_officer')
  @QueryParams(...INBOX_FILTER)
  list(@Query() query: Record<string, unknown>) {
    return this.queries.inbox(parseInboxFilter(query));
  }

  @Get(':id')
  @Roles('liaison_officer')
  @QueryParams(SENDER)
  detail(@Param('id', UuidPipe) id: string, @Query('sender') sender?: string) {
    return this.queries.detail(id, 'inbound', sender);
  }

  @Post(':id/acknowledge')
  @Idempotent()
  @QueryParams(SENDER)
  @HttpCode(200)
  @Roles('liaison_officer')
  async acknowledge(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Query('sender') sender?: string) {
    return { id, status: await this.notices.acknowledge(principal, id, sender) };
  }

  @Post(':id/answer')
  @Idempotent()
  @QueryParams(SENDER)
  @HttpCode(200)
  @Roles('liaison_officer')
  async answer(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return { id, status: 'ANSWERED', ...(await this.notices.answer(principal, id, body, sender)) };
  }

  @Post(':id/decline')
  @Idempotent()
  @QueryParams(SENDER)
  @HttpCode(200)
  @Roles('liaison_officer')
  async decline(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return { id, status: 'DECLINED', ...(await this.notices.decline(principal, id, body, sender)) };
  }

  @Post(':id/pass-on')
  @Idempotent()
  @QueryParams(SENDER)
  @Roles('liaison_officer')
  passOn(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return this.notices.passOn(principal, id, body, sender);
  }
}

/** Refused inbox messages (metadata only), for the node's administrators and auditors. */
@ApiTags('rejected')
@ApiBearerAuth()
@Controller('rejected')
export class RejectedController {
  constructor(private readonly queries: NoticeQueries) {}

  @Get()
  @Roles('admin', 'auditor')
  @QueryParams('limit')
  list(@Query('limit') limit?: string) {
    return this.queries.rejected(pageSize(limit));
  }
}
