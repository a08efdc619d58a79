// JSON Schema checks for the send form: the subset pydantic's model_json_schema() emits.
// validate(schema, value) returns ["path: problem", ...]; skeleton(schema) a payload to start from.
"use strict";

const JsonSchema = (() => {
  function resolve(schema, root) {
    let current = schema;
    for (let depth = 0; current && current.$ref && depth < 20; depth++) {
      const parts = current.$ref.replace(/^#\//, "").split("/");
      current = parts.reduce((node, key) => (node ? node[key] : undefined), root);
    }
    return current || {};
  }

  function typeOf(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
  }

  function typeMatches(expected, actual) {
    return expected === actual || (expected === "number" && actual === "integer");
  }

  function check(schema, value, path, root, errors) {
    schema = resolve(schema, root);
    const where = path || "payload";
    const alternatives = schema.anyOf || schema.oneOf;
    if (alternatives) {
      const fits = alternatives.some((option) => check(option, value, path, root, []).length === 0);
      if (!fits) errors.push(`${where}: matches none of the allowed forms`);
      return errors;
    }
    (schema.allOf || []).forEach((part) => check(part, value, path, root, errors));
    const actual = typeOf(value);
    if (schema.type) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((type) => typeMatches(type, actual))) {
        errors.push(`${where}: expected ${types.join(" or ")}, got ${actual}`);
        return errors;
      }
    }
    if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
      errors.push(`${where}: must be ${JSON.stringify(schema.const)}`);
    }
    if (schema.enum && !schema.enum.some((item) => JSON.stringify(item) === JSON.stringify(value))) {
      errors.push(`${where}: must be one of ${schema.enum.map((item) => JSON.stringify(item)).join(", ")}`);
    }
    if (actual === "string") checkString(schema, value, where, errors);
    if (actual === "integer" || actual === "number") checkNumber(schema, value, where, errors);
    if (actual === "array") checkArray(schema, value, path, root, errors);
    if (actual === "object") checkObject(schema, value, path, root, errors);
    return errors;
  }

  function checkString(schema, value, where, errors) {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      errors.push(`${where}: at least ${schema.minLength} characters`);
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      errors.push(`${where}: at most ${schema.maxLength} characters`);
    }
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) {
      errors.push(`${where}: must match ${schema.pattern}`);
    }
  }

  function checkNumber(schema, value, where, errors) {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${where}: at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${where}: at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      errors.push(`${where}: more than ${schema.exclusiveMinimum}`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      errors.push(`${where}: less than ${schema.exclusiveMaximum}`);
    }
    if (schema.multipleOf && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) {
      errors.push(`${where}: a multiple of ${schema.multipleOf}`);
    }
  }

  function checkArray(schema, value, path, root, errors) {
    const where = path || "payload";
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${where}: at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${where}: at most ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, index) => check(schema.items, item, `${where}[${index}]`, root, errors));
  }

  function checkObject(schema, value, path, root, errors) {
    const properties = schema.properties || {};
    const prefix = path ? `${path}.` : "";
    (schema.required || []).forEach((name) => {
      if (!(name in value)) errors.push(`${prefix}${name}: required`);
    });
    Object.keys(value).forEach((name) => {
      if (name in properties) {
        check(properties[name], value[name], `${prefix}${name}`, root, errors);
      } else if (schema.additionalProperties === false) {
        errors.push(`${prefix}${name}: not allowed (extra field)`);
      } else if (typeof schema.additionalProperties === "object") {
        check(schema.additionalProperties, value[name], `${prefix}${name}`, root, errors);
      }
    });
  }

  function skeleton(schema, root) {
    root = root || schema;
    schema = resolve(schema, root);
    if ("default" in schema) return schema.default;
    if ("const" in schema) return schema.const;
    if (schema.enum) return schema.enum[0];
    if (schema.anyOf || schema.oneOf) return skeleton((schema.anyOf || schema.oneOf)[0], root);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === "object" || schema.properties) {
      const result = {};
      Object.entries(schema.properties || {}).forEach(([name, property]) => {
        result[name] = skeleton(property, root);
      });
      return result;
    }
    return { string: "", integer: 0, number: 0, boolean: false, array: [], null: null }[type] ?? null;
  }

  return { validate: (schema, value) => check(schema, value, "", schema, []), skeleton };
})();
