import 'reflect-metadata';
import { createSampleApp } from './app.factory.js';
import { adapterFromEnv, envPort } from './config.js';
import { startPlaygroundSite } from './playground/site.js';

async function bootstrap(): Promise<void> {
  const adapter = adapterFromEnv();
  const app = await createSampleApp(adapter);
  const port = envPort('PORT', 3000);
  await app.listen(port);
  const apiUrl = `http://localhost:${port}`;

  const allowed = await startPlaygroundSite({ port: envPort('ALLOWED_PAGE_PORT', 3001), kind: 'allowed', apiUrl });
  const other = await startPlaygroundSite({ port: envPort('OTHER_PAGE_PORT', 3002), kind: 'other', apiUrl });

  console.log(
    [
      '',
      `nest-cors sample API (${adapter}): ${apiUrl}/api`,
      'Open the CORS playground:',
      `  ${allowed.origin}/   page on an allowed origin`,
      `  ${other.origin}/   page on an origin that is not allowed`,
      `  ${apiUrl}/   page served by the API itself (same origin)`,
      '',
    ].join('\n'),
  );

  const shutdown = () => {
    void Promise.all([app.close(), allowed.close(), other.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void bootstrap();
