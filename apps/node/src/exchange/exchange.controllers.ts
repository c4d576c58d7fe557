import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { NoticeQueries, parseInboxFilter } from './notice.queries';
import { NoticeService } from './notice.service';

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
  async send(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void }) {
    try {
      const { id, deadline } = await this.notices.send(principal, body);
      return { id, deadline: deadline.toISOString(), status: 'SENT' };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) res.setHeader('Retry-After', '1');
      throw error;
    }
  }

  @Get()
  @Roles('operator')
  list(@Query('limit') limit?: string) {
    return this.queries.sent(pageSize(limit));
  }

  @Get(':id')
  @Roles('operator')
  detail(@Param('id') id: string) {
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
  list(@Query() query: Record<string, unknown>) {
    return this.queries.inbox(parseInboxFilter(query));
  }

  @Get(':id')
  @Roles('liaison_officer')
  detail(@Param('id') id: string, @Query('sender') sender?: string) {
    return this.queries.detail(id, 'inbound', sender);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('liaison_officer')
  async acknowledge(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query('sender') sender?: string) {
    return { id, status: await this.notices.acknowledge(principal, id, sender) };
  }

  @Post(':id/answer')
  @HttpCode(200)
  @Roles('liaison_officer')
  async answer(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return { id, status: 'ANSWERED', ...(await this.notices.answer(principal, id, body, sender)) };
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles('liaison_officer')
  async decline(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return { id, status: 'DECLINED', ...(await this.notices.decline(principal, id, body, sender)) };
  }

  @Post(':id/pass-on')
  @Roles('liaison_officer')
  passOn(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown, @Query('sender') sender?: string) {
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
  list(@Query('limit') limit?: string) {
    return this.queries.rejected(pageSize(limit));
  }
}
