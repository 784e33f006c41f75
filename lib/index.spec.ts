import { expect, it, jest } from '@jest/globals';

it('the main entry loads neither nest-cors/redis nor the redis client', async () => {
  const loaded: string[] = [];
  jest.unstable_mockModule('redis', () => (loaded.push('redis'), {}));
  jest.unstable_mockModule('./redis.js', () => (loaded.push('nest-cors/redis'), {}));
  const entry = await import('./index.js');
  expect(entry.CorsModule).toBeDefined();
  expect(loaded).toEqual([]);
  // The mocks do catch a load: importing either one records it.
  await import('./redis.js');
  await import('redis');
  expect(loaded).toEqual(['nest-cors/redis', 'redis']);
});
