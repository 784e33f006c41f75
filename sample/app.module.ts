import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { CorsModule } from '../lib/index.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { Sessions } from './auth/sessions.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { defaultAllowedOrigin, parseOriginList } from './config.js';
import { CorsExplainer } from './diagnostics/cors-explainer.js';
import { DiagnosticsController } from './diagnostics/diagnostics.controller.js';
import { RequestJournal } from './diagnostics/request-journal.js';
import { EchoGateway } from './echo/echo.gateway.js';
import { EventsController } from './events/events.controller.js';
import { FilesController } from './files/files.controller.js';
import { InternalController } from './internal/internal.controller.js';
import { NotesController } from './notes/notes.controller.js';
import { NotesService } from './notes/notes.service.js';
import { PlaygroundController } from './playground/playground.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    CorsModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        origin: parseOriginList(config.get<string>('CORS_ORIGINS') || defaultAllowedOrigin()),
        credentials: true,
        exposedHeaders: ['X-Request-Id'],
        maxAge: 600,
        // Logs why requests are allowed or rejected; the playground shows these lines per call.
        debug: true,
      }),
    }),
  ],
  controllers: [
    AuthController,
    NotesController,
    CatalogController,
    EventsController,
    FilesController,
    InternalController,
    DiagnosticsController,
    PlaygroundController,
  ],
  providers: [Sessions, NotesService, RequestJournal, CorsExplainer, EchoGateway, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
