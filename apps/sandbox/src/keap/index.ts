import { Router } from 'express';

/** The Keap stand-in's state: contacts, tags, notes, custom fields, OAuth grants. */
export class KeapSandbox {}

export function keapRouter(_sandbox: KeapSandbox): Router {
  return Router();
}
