import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import { Cors } from 'nest-cors';

/** A Socket.IO gateway with its own policy, applied by CorsIoAdapter from 'nest-cors/socket.io'. */
@WebSocketGateway({ namespace: 'events' })
@Cors('http://partner.test')
export class EventsGateway implements OnGatewayConnection {
  connections = 0;

  handleConnection(): void {
    this.connections++;
  }
}
