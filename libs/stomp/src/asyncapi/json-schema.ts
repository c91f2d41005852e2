import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';

/** A JSON Schema (draft-07): what AsyncAPI's and OpenAPI's schema objects both read. */
export type JsonSchema = { [keyword: string]: unknown };

/** Where a payload's schema comes from: a JSON Schema, or a class whose class-validator constraints make one. */
export type SchemaSource = JsonSchema | (abstract new (...args: never[]) => unknown);

/** Parameter types that say nothing about a body's shape (a plain object, an `interface`, no type). */
const SHAPELESS: ReadonlySet<unknown> = new Set([undefined, null, Object, Array, Promise]);

type Constraint = { name?: string; type: string; constraints?: unknown[] };

/**
 * What each class-validator constraint says about a property, as JSON Schema keywords. Constraints
 * outside this list (custom validators) add nothing: the schema may be looser than the validation,
 * never stricter.
 */
const KEYWORDS: Record<string, (c: unknown[]) => JsonSchema> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isLength: ([min, max]) => ({ ...(typeof min === 'number' && { minLength: min }), ...(typeof max === 'number' && { maxLength: max }) }),
  minLength: ([min]) => ({ minLength: min }),
  maxLength: ([max]) => ({ maxLength: max }),
  isNotEmpty: () => ({ minLength: 1 }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  isPositive: () => ({ exclusiveMinimum: 0 }),
  matches: ([pattern]) => (pattern instanceof RegExp ? { pattern: pattern.source } : typeof pattern === 'string' ? { pattern } : {}),
  isIn: ([values]) => (Array.isArray(values) ? { enum: values } : {}),
  isEmail: () => ({ type: 'string', format: 'email' }),
  isUUID: () => ({ type: 'string', format: 'uuid' }),
  isISO8601: () => ({ type: 'string', format: 'date-time' }),
  isDateString: () => ({ type: 'string', format: 'date-time' }),
};

/** A property's declared TypeScript type (emitDecoratorMetadata), when no constraint names one. */
function designType(type: unknown): JsonSchema {
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Array) return { type: 'array' };
  if (type === Date) return { type: 'string', format: 'date-time' };
  return {};
}

/**
 * A class's JSON Schema from the constraints class-validator holds for it (as Springwolf reads a
 * payload class's annotations): `title` is the class name, a property is required unless @IsOptional.
 */
export function schemaOfClass(type: abstract new (...args: never[]) => unknown): JsonSchema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type as new () => object, '', true, false) as unknown as (Constraint & { propertyName: string })[];
  const properties: Record<string, JsonSchema> = {};
  const optional = new Set<string>();
  for (const entry of metadata) {
    const property = (properties[entry.propertyName] ??= {});
    if (entry.type === 'conditionalValidation' && entry.name === 'isOptional') optional.add(entry.propertyName);
    const keywords = entry.name ? KEYWORDS[entry.name] : undefined;
    if (keywords) Object.assign(property, keywords(entry.constraints ?? []));
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.type === undefined) Object.assign(property, designType(Reflect.getMetadata('design:type', type.prototype as object, name)));
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return { title: type.name, type: 'object', properties, ...(required.length > 0 && { required }) };
}

/** The schema of a payload source; undefined when nothing is known about it (any JSON). */
export function schemaOf(source: unknown): JsonSchema | undefined {
  if (SHAPELESS.has(source)) return undefined;
  if (source === String) return { type: 'string' };
  if (source === Buffer) return { type: 'string', format: 'binary' };
  if (source === Number) return { type: 'number' };
  if (source === Boolean) return { type: 'boolean' };
  if (typeof source === 'function') return schemaOfClass(source as abstract new (...args: never[]) => unknown);
  if (typeof source === 'object') return source as JsonSchema;
  return undefined;
}
