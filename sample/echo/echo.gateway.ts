import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { Cors } from '../../lib/index.js';
import { Public } from '../auth/auth.guard.js';
import { RequestJournal } from '../diagnostics/request-journal.js';

/**
 * A WebSocket echo on the API's own port (`ws://localhost:3000/api/ws`), served through
 * `CorsWsAdapter`: browsers apply no CORS to WebSockets, so the handshake of a page whose origin
 * the policy refuses is answered 403 before `handleConnection` runs.
 */
@WebSocketGateway({ path: '/api/ws' })
@Public()
@Cors({ credentials: true })
export class EchoGateway implements OnGatewayConnection {
  constructor(private readonly journal: RequestJournal) {}

  handleConnection(_client: unknown, request: IncomingMessage): void {
    this.journal.gatewayConnected(request);
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() text: unknown) {
    return { event: 'echo', data: text };
  }
}
