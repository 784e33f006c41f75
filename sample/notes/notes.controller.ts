import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put, Res } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { Public } from '../auth/auth.guard.js';
import { isAdminOrigin } from '../config.js';
import type { ResponseHeaders } from '../response-headers.js';
import { NotesService } from './notes.service.js';

/**
 * Origins come from the module defaults (CORS_ORIGINS). On /notes/:id each method has its own
 * policy: anyone may read a note, only admin origins may delete one.
 */
@Controller('notes')
@Public()
@Cors({
  exposedHeaders: ['X-Request-Id', 'X-Total-Count'],
  allowedHeaders: ['Content-Type', 'X-Client-Version'],
})
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  list(@Res({ passthrough: true }) res: ResponseHeaders) {
    const notes = this.notes.list();
    res.header('X-Total-Count', String(notes.length));
    // Not in exposedHeaders, so cross-origin scripts cannot read it.
    res.header('X-Backend', 'notes-service');
    return notes;
  }

  @Post()
  create(@Body() body: unknown) {
    // A text/plain body (a request that needs no preflight) arrives as a string on Fastify.
    const text = typeof body === 'string' ? body : String((body as { text?: unknown } | undefined)?.text ?? '');
    return this.notes.create(text);
  }

  @Get(':id')
  @Cors({ origin: '*', credentials: false })
  find(@Param('id') id: string) {
    const note = this.notes.find(id);
    if (!note) throw new NotFoundException(`No note ${id}`);
    return note;
  }

  @Put(':id')
  upsert(@Param('id') id: string, @Body() body: { text?: unknown }) {
    return this.notes.upsert(id, String(body?.text ?? '')).note;
  }

  @Delete(':id')
  @Cors(isAdminOrigin)
  @HttpCode(204)
  remove(@Param('id') id: string): void {
    if (!this.notes.remove(id)) throw new NotFoundException(`No note ${id}`);
  }
}
