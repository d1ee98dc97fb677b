import fc from 'fast-check';

/**
 * The API's operations as the fuzzer sees them, read from the served OpenAPI document (the same
 * zod schemas that validate requests made it), plus arbitraries for values shaped by those schemas.
 * Half-plausible values get past validation into the services, where the interesting failures are.
 */

/** The subset of JSON Schema that zod-openapi emits and the fuzzer reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

interface OpenApiParameter {
  in: string;
  name: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface FuzzOperation {
  method: string;
  /** "/api/v1/work-orders/{id}" */
  template: string;
  pathParams: string[];
  query: Record<string, JsonSchema>;
  /** The JSON body's schema, `$ref`s resolved at the top; null when the operation takes none. */
  body: JsonSchema | null;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDocument): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  for (const [template, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      const json = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        body: json ? resolve(doc, json) : null,
      });
    }
  }
  return ops;
}

function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref && hops < 10; hops++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

/** Anything at all: what a confused or hostile client sends in place of a proper value. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', ' ', '0', 'null', '__proto__', 'constructor', '%ff', '\u0000', 'ﬃ𝒳\u202e'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom('x'.repeat(5_000), '9'.repeat(400)),
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * A value for `schema`: mostly of the right type and often valid (ids from `ids`, enum members,
 * ISO times), sometimes junk. Depth-bounded, so recursive schemas end.
 */
export function valueFor(doc: OpenApiDocument, schema: JsonSchema, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (depth > 3) return junkValue;
  const alternatives = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alternatives?.length) {
    return fc.oneof(...alternatives.map((a) => valueFor(doc, a, ids, depth + 1)), junkValue);
  }
  const plausible = plausibleFor(doc, s, ids, depth);
  return plausible ? fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: junkValue }) : junkValue;
}

function plausibleFor(doc: OpenApiDocument, s: JsonSchema, ids: string[], depth: number): fc.Arbitrary<unknown> | null {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return ids.length ? fc.oneof(fc.constantFrom(...ids), fc.uuid()) : fc.uuid();
      if (s.format === 'date-time')
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'date')
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      return fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.constantFrom('08:00', '17:30', 'Europe/London', 'a@b.test'),
      );
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: Math.min(s.maximum ?? 1_000, Number.MAX_SAFE_INTEGER) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1_000, max: s.maximum ?? 1_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(s.items ? valueFor(doc, s.items, ids, depth + 1) : junkValue, { maxLength: 4 });
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (!props.length) return fc.dictionary(fc.string({ maxLength: 8 }), junkValue, { maxKeys: 3 });
      // Any subset of the known fields, so required-field checks and partial updates both happen.
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, valueFor(doc, v, ids, depth + 1)])), { requiredKeys: [] });
    }
    default:
      return null;
  }
}
