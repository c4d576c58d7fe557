import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { QueryParams, UuidPipe } from '../http/request-shape';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { SEARCH_PARAMS } from './casework.decide';
import { CaseworkService } from './casework.service';

const SENDER = 'sender';

/** Officers: assignment, internal notes and correlations of received notices. */
@ApiTags('inbox (liaison officer)')
@ApiBearerAuth()
@Controller('inbox')
export class InboxCaseworkController {
  constructor(private readonly casework: CaseworkService) {}

  @Get(':id/casework')
  @Roles('liaison_officer')
  @QueryParams(SENDER)
  view(@Param('id', UuidPipe) id: string, @Query('sender') sender?: string) {
    return this.casework.casework(id, 'inbound', sender);
  }

  @Post(':id/assign')
  @Idempotent()
  @QueryParams(SENDER)
  @HttpCode(200)
  @Roles('liaison_officer')
  assign(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return this.casework.assign(principal, id, body, sender);
  }

  @Post(':id/notes')
  @Idempotent()
  @QueryParams(SENDER)
  @Roles('liaison_officer')
  note(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown, @Query('sender') sender?: string) {
    return this.casework.addNote(principal, id, 'inbound', body, sender);
  }
}

/** Operators: internal notes and correlations of sent notices. */
@ApiTags('notices (operator)')
@ApiBearerAuth()
@Controller('notices')
export class NoticesCaseworkController {
  constructor(private readonly casework: CaseworkService) {}

  @Get(':id/casework')
  @Roles('operator')
  view(@Param('id', UuidPipe) id: string) {
    return this.casework.casework(id, 'outbound');
  }

  @Post(':id/notes')
  @Idempotent()
  @Roles('operator')
  note(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Body() body: unknown) {
    return this.casework.addNote(principal, id, 'outbound', body);
  }
}

/** Search and correlations by case, for operators and officers (never auditors: they see no content). */
@ApiTags('search')
@ApiBearerAuth()
@Controller()
export class SearchController {
  constructor(private readonly casework: CaseworkService) {}

  @Get('search')
  @Roles('operator', 'liaison_officer')
  @QueryParams(...SEARCH_PARAMS)
  search(@Query() query: Record<string, unknown>) {
    return this.casework.search(query);
  }

  @Get('correlations')
  @Roles('operator', 'liaison_officer')
  @QueryParams('case_reference')
  correlations(@Query() query: Record<string, unknown>) {
    return this.casework.byCase(query);
  }
}
