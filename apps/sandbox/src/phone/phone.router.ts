import path from 'node:path';
import express, { Router } from 'express';

/*
 * The phone simulator is plain HTML, CSS and JavaScript with no build step. The files stay in
 * src/phone/static and are served from there both when running from src (tsx, jest) and from
 * dist (dist/phone/.. and src/phone/.. both sit two levels under the package root).
 */
const STATIC_DIR = path.resolve(__dirname, '..', '..', 'src', 'phone', 'static');

/** `/phone`: text the sandbox's Twilio numbers from a pretend phone and read the replies. */
export function phoneRouter(): Router {
  const router = Router();
  router.get('/phone', (_req, res) => {
    res.sendFile(path.join(STATIC_DIR, 'phone.html'));
  });
  router.use('/phone', express.static(STATIC_DIR, { index: false }));
  return router;
}
