import { Readable } from 'node:stream';
import { Controller, Get, StreamableFile } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { Public } from '../auth/auth.guard.js';
import { NotesService } from '../notes/notes.service.js';

@Controller('files')
@Public()
export class FilesController {
  constructor(private readonly notes: NotesService) {}

  /** Content-Disposition is exposed so the page can read the file name. */
  @Get('notes.csv')
  @Cors({ exposedHeaders: ['Content-Disposition', 'X-Request-Id'] })
  exportNotes(): StreamableFile {
    const rows = this.notes.list().map((note) => `${note.id},"${note.text.replaceAll('"', '""')}"\n`);
    return new StreamableFile(Readable.from(['id,text\n', ...rows]), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="notes.csv"',
    });
  }
}
