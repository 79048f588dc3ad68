import pino from 'pino';
import { createSandbox } from './app';

const port = Number(process.env.SANDBOX_PORT ?? 4010);
const publicUrl = process.env.SANDBOX_PUBLIC_URL ?? `http://127.0.0.1:${port}`;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

const { app } = createSandbox({ publicUrl, logger });
app.listen(port, '127.0.0.1', () => logger.info({ port }, `sandbox listening on ${publicUrl}`));
