import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { QueryParams, UuidPipe } from '../http/request-shape';
import { invalidField } from '../http/problem';
import { AttachmentsService } from './attachments.service';

/** How a download is offered: `attachment` (save) by default, `inline` for the console's preview of an image. */
const DISPOSITION = 'disposition';
const SENDER = 'sender';

/** An attachment is evidence, served as bytes only: never sniffed, never run, never framed or cached. */
function evidenceHeaders(name: string | null, disposition: string | undefined, type: string): Record<string, string> {
  if (disposition !== undefined && disposition !== 'inline' && disposition !== 'attachment') throw invalidField(DISPOSITION, 'must be inline or attachment');
  const inline = disposition === 'inline' && type.startsWith('image/');
  const file = name ?? 'attachment';
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'private, no-store',
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${file.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file)}`,
  };
}

@ApiTags('attachments')
@ApiBearerAuth()
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post('attachments')
  @Roles('operator', 'liaison_officer')
  @QueryParams('name')
  upload(@CurrentPrincipal() principal: Principal, @Req() request: IncomingMessage, @Query('name') name?: string) {
    return this.attachments.upload(principal, request, name);
  }

  @Get('attachments/:id')
  @Roles('operator', 'liaison_officer')
  uploaded(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string) {
    return this.attachments.uploaded(principal, id);
  }

  @Get('notices/:id/attachments')
  @Roles('operator')
  sent(@Param('id', UuidPipe) id: string) {
    return this.attachments.ofNotice('outbound', id);
  }

  @Get('notices/:id/attachments/:attachment')
  @Roles('operator')
  @QueryParams(DISPOSITION)
  async downloadSent(@Param('id', UuidPipe) id: string, @Param('attachment', UuidPipe) attachment: string, @Req() request: IncomingMessage, @Res() response: ServerResponse, @Query(DISPOSITION) disposition?: string) {
    await this.serve('outbound', id, attachment, undefined, request, response, disposition);
  }

  // Received notices' attachments: officers for what they work on; operators for the responses to their notices.
  @Get('inbox/:id/attachments')
  @Roles('liaison_officer', 'operator')
  @QueryParams(SENDER)
  received(@CurrentPrincipal() principal: Principal, @Param('id', UuidPipe) id: string, @Query(SENDER) sender?: string) {
    return this.attachments.ofNotice('inbound', id, sender, principal);
  }

  @Get('inbox/:id/attachments/:attachment')
  @Roles('liaison_officer', 'operator')
  @QueryParams(SENDER, DISPOSITION)
  async downloadReceived(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidPipe) id: string,
    @Param('attachment', UuidPipe) attachment: string,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
    @Query(SENDER) sender?: string,
    @Query(DISPOSITION) disposition?: string,
  ) {
    await this.serve('inbound', id, attachment, sender, request, response, disposition, principal);
  }

  private serve(direction: 'outbound' | 'inbound', id: string, attachment: string, sender: string | undefined, request: IncomingMessage, response: ServerResponse, disposition: string | undefined, reader?: Principal) {
    return this.attachments.download({ direction, noticeId: id, id: attachment, sender, reader }, request.headers.range, ({ status, headers, name, type }) => {
      const all = { ...headers, ...evidenceHeaders(name, disposition, type) };
      response.statusCode = status;
      for (const [header, value] of Object.entries(all)) response.setHeader(header, value);
      return response;
    });
  }
}
