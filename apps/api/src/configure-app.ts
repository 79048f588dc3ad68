import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { setUpOpenApi } from './openapi/openapi';

/** HTTP set-up shared by `main.ts` and the end-to-end tests, so tests run the app as deployed. */
export function configureApp(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health', 'hooks/(.*)'] });
  app.use(cookieParser());
  // The docs page needs inline scripts/styles; the API itself only answers JSON.
  app.use(helmet({ contentSecurityPolicy: false }));
  setUpOpenApi(app);
}
