import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/auth.guard.js';
import { PLAYGROUND_FILES, readPlaygroundFile } from './assets.js';

/** Routes outside the `api` global prefix. */
export const PLAYGROUND_ROUTES = ['/', ...Object.keys(PLAYGROUND_FILES).filter((name) => name !== 'index.html')];

/** The playground served by the API itself: every call is same-origin, so CORS never applies. */
@Controller()
@Public()
export class PlaygroundController {
  private readonly settings = { apiUrl: '', kind: 'same-origin' } as const;

  @Get()
  @Header('Content-Type', PLAYGROUND_FILES['index.html'])
  page() {
    return readPlaygroundFile('index.html', this.settings);
  }

  @Get('playground.js')
  @Header('Content-Type', PLAYGROUND_FILES['playground.js'])
  script() {
    return readPlaygroundFile('playground.js', this.settings);
  }

  @Get('playground.css')
  @Header('Content-Type', PLAYGROUND_FILES['playground.css'])
  styles() {
    return readPlaygroundFile('playground.css', this.settings);
  }
}
