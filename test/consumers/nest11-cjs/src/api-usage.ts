/**
 * Type-level use of the public API as the README shows it; compiled (strict) but never run.
 * It fails `tsc` if the published types lose or change one of these forms.
 */
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { Cors, CorsModule } from 'nest-cors';
import { RedisCorsChangeFeed } from 'nest-cors/redis';
import { CorsIoAdapter } from 'nest-cors/socket.io';

@Injectable()
class OriginsService {
  list(): string[] {
    return ['https://app.example.com'];
  }
}

@Module({ providers: [OriginsService], exports: [OriginsService] })
class OriginsModule {}

@Cors({ origin: ['https://partner.example.com', /^https:\/\/[a-z]+\.example\.org$/], credentials: true, maxAge: 600 })
@Controller('typed')
export class TypedController {
  @Get('string')
  @Cors('https://one.example.com')
  one(): string {
    return 'one';
  }

  @Get('regexp')
  @Cors(/^https:\/\/[a-z]+\.example\.com$/)
  regexp(): string {
    return 'regexp';
  }

  @Get('fn')
  @Cors({ origin: async (origin: string) => origin.endsWith('.example.net'), methods: ['GET', 'POST'] })
  fn(): string {
    return 'fn';
  }

  @Get('off')
  @Cors(false)
  off(): string {
    return 'off';
  }
}

export const syncModule = CorsModule.forRoot({
  origin: ['https://app.example.com'],
  credentials: true,
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: 'X-Request-Id',
  optionsSuccessStatus: 204,
});

export const asyncModule = CorsModule.forRootAsync({
  imports: [OriginsModule],
  inject: [OriginsService],
  useFactory: (origins: OriginsService) => ({ origin: origins.list() }),
});

/** node-redis clients as far as the feed uses them (the consumer does not install redis). */
declare const publisher: { publish(channel: string, message: string): Promise<number> };
declare const subscriber: {
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  unsubscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
};

export const followingModule = CorsModule.forRoot({
  origin: ['https://app.example.com'],
  changeFeed: new RedisCorsChangeFeed({ publisher, subscriber, channel: 'orders-api:cors' }),
});
export function useGatewayPolicies(app: INestApplication): void {
  app.useWebSocketAdapter(new CorsIoAdapter(app));
}
