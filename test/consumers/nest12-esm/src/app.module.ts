import { Module } from '@nestjs/common';
import { CorsModule } from 'nest-cors';
import { ItemsController } from './items.controller.js';

@Module({
  imports: [CorsModule.forRoot({ origin: ['http://allowed.test', 'https://*.partners.test'] })],
  controllers: [ItemsController],
})
export class AppModule {}
