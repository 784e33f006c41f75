import { Controller, Get } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { Public } from '../auth/auth.guard.js';
import { NotesService } from '../notes/notes.service.js';

/** For servers and monitoring only: no browser page on another origin may call it. */
@Controller('internal')
@Public()
@Cors(false)
export class InternalController {
  constructor(private readonly notes: NotesService) {}

  @Get('metrics')
  metrics() {
    return { notes: this.notes.list().length, uptimeSeconds: Math.round(process.uptime()) };
  }
}
