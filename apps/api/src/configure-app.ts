import type { INestApplication } from '@nestjs/common';

/** HTTP set-up shared by `main.ts` and the end-to-end tests, so tests run the app as deployed. */
export function configureApp(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health', 'hooks/(.*)'] });
}
