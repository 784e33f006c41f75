import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { interval, map, type Observable, take } from 'rxjs';
import { CurrentUser } from '../auth/auth.guard.js';
import type { User } from '../auth/sessions.js';

/** Server-sent events for the logged-in user: `new EventSource(url, { withCredentials: true })`. */
@Controller('events')
export class EventsController {
  @Sse()
  stream(@CurrentUser() user: User): Observable<MessageEvent> {
    return interval(100).pipe(
      take(3),
      map((index) => ({ data: { tick: index + 1, user: user.name } })),
    );
  }
}
