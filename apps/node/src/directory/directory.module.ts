import { Controller, Get, Module } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TrustStore } from '@liaison/envelope';
import { CurrentPrincipal, Principal, Public, Roles } from '@liaison/auth';
import { LedgerModule } from '../ledger/ledger.module';
import { DirectoryService } from './directory.service';

/** The federation as this node trusts it, and who the caller is (for the console). */
@ApiTags('directory')
@ApiBearerAuth()
@Controller()
export class DirectoryController {
  constructor(private readonly trust: TrustStore) {}

  @Get('directory')
  @Roles('operator', 'liaison_officer', 'auditor', 'admin')
  agencies() {
    const directory = this.trust.current();
    return {
      serial: directory?.serial ?? null,
      federation: directory?.federation ?? null,
      agencies: (directory?.agencies ?? []).map((a) => ({ code: a.code, name: a.name, country: a.country })),
    };
  }

  /** The signed directory (compact JWS) exactly as verified, for peers and auditors. */
  @Public()
  @Get('directory.jws')
  signed(): string {
    return this.trust.currentJws() ?? '';
  }

  @Get('me')
  @Roles('operator', 'liaison_officer', 'auditor', 'admin')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

@Module({
  imports: [LedgerModule],
  controllers: [DirectoryController],
  providers: [DirectoryService],
  exports: [DirectoryService],
})
export class DirectoryModule {}
