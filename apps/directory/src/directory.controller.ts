import { Controller, DynamicModule, Get, Header, Module, Res, ServiceUnavailableException, StreamableFile } from '@nestjs/common';
import { TrustStore } from '@liaison/envelope';
import { DirectoryFeed } from './directory-feed';

export const JOSE_MEDIA_TYPE = 'application/jose';
export const SERIAL_HEADER = 'X-Liaison-Directory-Serial';

/** The one thing used of Express's response (the project has no Express typings). */
interface Response {
  setHeader(name: string, value: string): unknown;
}

/**
 * The federation's signed directory for nodes that cannot read the topic (LIAISON_DIRECTORY_URL
 * of a node points at /directory.jws). Only what the pinned root signed is ever served.
 */
@Controller()
export class DirectoryController {
  constructor(
    private readonly trust: TrustStore,
    private readonly feed: DirectoryFeed,
  ) {}

  /** The compact JWS exactly as signed and verified. Nodes verify it themselves with their pinned root. */
  @Get('directory.jws')
  @Header('Cache-Control', 'no-cache')
  signed(@Res({ passthrough: true }) res: Response): StreamableFile {
    const jws = this.trust.currentJws();
    if (jws === null) throw new ServiceUnavailableException('no verified directory yet');
    res.setHeader(SERIAL_HEADER, String(this.trust.serial));
    const bytes = Buffer.from(jws, 'utf8');
    return new StreamableFile(bytes, { type: JOSE_MEDIA_TYPE, length: bytes.length });
  }

  /** The verified payload, for people (nodes must use the JWS). */
  @Get('directory.json')
  @Header('Cache-Control', 'no-cache')
  decoded(@Res({ passthrough: true }) res: Response): unknown {
    const directory = this.trust.current();
    if (directory === null) throw new ServiceUnavailableException('no verified directory yet');
    res.setHeader(SERIAL_HEADER, String(directory.serial));
    return directory;
  }

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when a verified directory is held (from the topic or the cache), whether or not the broker answers. */
  @Get('health/ready')
  ready(): Record<string, unknown> {
    const body = { serial: this.trust.serial, consuming: this.feed.status.consuming, lastAccepted: this.feed.status.lastAccepted, lastRefused: this.feed.status.lastRefused };
    if (this.trust.serial === null) throw new ServiceUnavailableException({ status: 'not_ready', ...body });
    return { status: 'ready', ...body };
  }
}

@Module({})
export class DirectoryAppModule {
  static forRuntime(trust: TrustStore, feed: DirectoryFeed): DynamicModule {
    return {
      module: DirectoryAppModule,
      controllers: [DirectoryController],
      providers: [
        { provide: TrustStore, useValue: trust },
        { provide: DirectoryFeed, useValue: feed },
      ],
    };
  }
}
