import { Controller, Get, InternalServerErrorException, Param } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { Public } from '../auth/auth.guard.js';
import { CorsExplainer } from './cors-explainer.js';
import { RequestJournal } from './request-journal.js';

@Controller('diagnostics')
@Public()
export class DiagnosticsController {
  constructor(
    private readonly journal: RequestJournal,
    private readonly explainer: CorsExplainer,
  ) {}

  /** An expected 500 for the playground: an HttpException, so Nest answers it without logging a stack trace. */
  @Get('error')
  fail(): never {
    throw new InternalServerErrorException('Simulated failure');
  }

  /** What the API saw and decided for every request tagged `?call=<callId>`. Any page may read it. */
  @Get('calls/:callId')
  @Cors({ origin: '*', credentials: false })
  async call(@Param('callId') callId: string) {
    const requests = await Promise.all(
      this.journal.forCall(callId).map(async (entry) => ({ ...entry, explanation: await this.explainer.explain(entry) })),
    );
    return { callId, requests };
  }
}
