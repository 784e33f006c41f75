// The global interceptor of the guard-and-interceptor shape.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * The global interceptor of the module's guard-and-interceptor shape, registered by default
 * (`responseInterceptor: false` leaves it out). It passes every call through: the response work
 * it used to do, keeping `Vary: Origin` when a handler replaces `Vary`, is done where every
 * response passes, when its head is written, which also covers `@Res()` responses, exceptions
 * and streams that an interceptor never sees. Like any global interceptor it makes Nest wrap
 * each handler call in RxJS, which costs throughput (see BENCHMARKS.md).
 *
 * @publicApi
 */
@Injectable()
export class CorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}
