/*
 * The official specs leave response objects open (no `required`, extra properties allowed), so a
 * renamed or missing field would still "validate". The contract checks load the specs unchanged
 * from disk and then tighten copies of their schemas in memory with these helpers.
 */

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface StrictOptions {
  /** Mark every declared property required (Twilio writes every property, null when empty). */
  requireAll: boolean;
}

/**
 * Closes every object schema that declares properties (`additionalProperties: false`), down through
 * properties, array items and `oneOf`/`anyOf` branches, in place. Objects built with `allOf` are
 * left open: their properties are spread over several schemas.
 */
export function closeObjects(
  schema: unknown,
  options: StrictOptions,
  seen = new Set<Schema>(),
): void {
  if (!isSchema(schema) || seen.has(schema)) return;
  seen.add(schema);
  const properties = isSchema(schema.properties) ? schema.properties : undefined;
  if (properties && Object.keys(properties).length > 0 && schema.allOf === undefined) {
    if (schema.additionalProperties === undefined) schema.additionalProperties = false;
    if (options.requireAll) schema.required = Object.keys(properties);
  }
  for (const child of Object.values(properties ?? {})) closeObjects(child, options, seen);
  if (isSchema(schema.items)) closeObjects(schema.items, options, seen);
  if (isSchema(schema.additionalProperties))
    closeObjects(schema.additionalProperties, options, seen);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) for (const b of branches) closeObjects(b, options, seen);
  }
}

/**
 * The vendor's own example answers overrule the tightening where they disagree with it: a property
 * an example leaves out is not required, and where an example shows `null` for a property whose
 * schema does not say `nullable`, null is accepted. The checks never refuse what the vendor
 * documents as an answer.
 */
export function relaxToExample(schema: unknown, example: unknown): void {
  if (!isSchema(schema)) return;
  if (Array.isArray(example)) {
    for (const item of example) relaxToExample(schema.items, item);
    return;
  }
  if (!isSchema(example)) return;
  if (Array.isArray(schema.required))
    schema.required = schema.required.filter((name: unknown) => String(name) in example);
  const properties = isSchema(schema.properties) ? schema.properties : {};
  for (const [name, value] of Object.entries(example)) {
    const property = properties[name];
    if (!isSchema(property)) continue;
    if (value === null) {
      // Without a type, null is accepted already (and ajv refuses `nullable` alone).
      if (property.type !== undefined) property.nullable = true;
    } else {
      relaxToExample(property, value);
    }
  }
}

/** A deep copy (the dereferenced specs share schema objects between operations). */
export function copyOf<T>(schema: T): T {
  return structuredClone(schema);
}

/** A request or response body of one content type, with the vendor's examples of it. */
export interface MediaObject {
  schema?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

export interface OperationObject {
  requestBody?: { content?: Record<string, MediaObject> };
  responses?: Record<string, { content?: Record<string, MediaObject> }>;
}

/** The part of a dereferenced OpenAPI definition the contract checks tighten. */
export interface SpecDefinition {
  paths: Record<string, Record<string, OperationObject>>;
}

/** How one vendor's schemas are tightened (each gets its own copy to change). */
export interface Tightening {
  /** Each operation's JSON response schema; `media` holds the vendor's examples of it. */
  response(schema: unknown, media: MediaObject): void;
  /** The request bodies of this content type. */
  requestBody: { contentType: string; tighten(schema: unknown): void };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Replaces, in every operation of the definition, each JSON response schema and each request body
 * schema of the given content type with a tightened copy, in memory (the file on disk is never
 * touched). Copies, because the dereferenced definition shares schema objects between operations.
 */
export function tightenOperations(definition: SpecDefinition, tightening: Tightening): void {
  for (const item of Object.values(definition.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method) || !operation) continue;
      for (const response of Object.values(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (!json?.schema) continue;
        const schema = copyOf(json.schema);
        tightening.response(schema, json);
        json.schema = schema;
      }
      const body = operation.requestBody?.content?.[tightening.requestBody.contentType];
      if (body?.schema) {
        const schema = copyOf(body.schema);
        tightening.requestBody.tighten(schema);
        body.schema = schema;
      }
    }
  }
}
