import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { appendVary } from './core/vary.js';
import { rawHttp } from './cors-http.util.js';
import { variesByOrigin } from './cors-request-state.js';

/**
 * Keeps `Vary: Origin` on responses whose CORS headers depend on the origin when the handler sets
 * its own `Vary` (through `@Header('Vary', …)` or the response object), which would otherwise
 * replace the value the middleware appended and let a cache serve one origin's response to
 * another.
 *
 * @publicApi
 */
@Injectable()
export class CorsInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const { request, response: raw } = rawHttp(context);
    if (!variesByOrigin(request)) return next.handle();
    const response = context.switchToHttp().getResponse<object>();
    this.keepVaryOrigin(response, raw.headersSent);
    return next.handle().pipe(tap(() => this.keepVaryOrigin(response, raw.headersSent)));
  }

  private keepVaryOrigin(response: object, headersSent: boolean): void {
    if (headersSent) return;
    const adapter = this.adapterHost.httpAdapter;
    const current = adapter.getHeader(response, 'Vary');
    const merged = appendVary(current, 'Origin');
    if (merged !== current) adapter.setHeader(response, 'Vary', merged);
  }
}
