import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'http';
import { CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { MatchService } from './match.service';

/**
 * Private hit/no-hit: an operator checks values against chosen holders; an admin imports the
 * index and reads its status; an auditor reads the counts per partner.
 */
@ApiTags('match')
@ApiBearerAuth()
@Controller('match')
export class MatchController {
  constructor(private readonly match: MatchService) {}

  @Post('index/entries')
  @Roles('admin')
  @Idempotent()
  @HttpCode(200)
  importEntries(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.match.importEntries(principal, body);
  }

  @Get('index')
  @Roles('admin')
  index() {
    return this.match.indexStatus();
  }

  @Get('holders')
  @Roles('operator')
  holders() {
    return this.match.holders();
  }

  /** 200 when every holder answered within the wait, else 202 with Location: GET it until `complete` (a replay by Idempotency-Key answers 200 with the first body). */
  @Post('checks')
  @Roles('operator')
  @Idempotent()
  @HttpCode(200)
  async check(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: ServerResponse) {
    const { complete, view } = await this.match.check(principal, body);
    res.statusCode = complete ? 200 : 202;
    if (!complete) res.setHeader('Location', `/match/checks/${view.id}`);
    return view;
  }

  @Get('checks/:id')
  @Roles('operator')
  show(@Param('id') id: string) {
    return this.match.view(id);
  }

  @Get('audit')
  @Roles('auditor')
  audit() {
    return this.match.audit();
  }
}
