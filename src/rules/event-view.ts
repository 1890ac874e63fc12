import type { BridgeEvent, Json, JsonObject } from '../events/event.js';

type MutableView = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A shallow, null-prototype copy: Object.assign onto a null prototype defines an own `__proto__`
 * key from JSON.parse as plain data instead of invoking the Object.prototype setter.
 */
function copy(obj: JsonObject): MutableView {
  return Object.assign(Object.create(null) as MutableView, obj);
}

/** Lower-cased part after the last '@'; undefined when there is no usable email. */
function emailDomain(email: Json | undefined): string | undefined {
  if (typeof email !== 'string') return undefined;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1).trim().toLowerCase();
  return at >= 0 && domain.length > 0 ? domain : undefined;
}

/** Copies `root[key]` and sets (or clears) the derived field on the copy; untouched when there is nothing to do. */
function withDomain(root: MutableView, key: 'user' | 'owner'): void {
  const source = root[key];
  if (!isObject(source)) return;
  const domain = emailDomain(source['email']);
  if (domain === undefined && !Object.hasOwn(source, 'email_domain')) return;
  const copied = copy(source);
  // Without an email the derived field is absent, even if the sender supplied one.
  if (domain === undefined) delete copied['email_domain'];
  else copied['email_domain'] = domain;
  root[key] = copied;
}

/**
 * What conditions and templates see: the payload plus the derived fields of DERIVED_FIELDS
 * (src/events/fields.ts). Only the objects that gain a field are copied (payloads can be large);
 * the payload itself is never mutated. Derived fields win over payload fields of the same name,
 * so a sender cannot spoof `event.type` or `user.email_domain`.
 */
export function eventView(event: BridgeEvent): JsonObject {
  const root = copy(event.payload);
  // `crm` is the planner's (crm.contact.*, set per rule from the lookup): a payload cannot spoof it.
  delete root['crm'];
  withDomain(root, 'user');
  withDomain(root, 'owner');
  const described = root['event'];
  const copied = isObject(described) ? copy(described) : (Object.create(null) as MutableView);
  copied['type'] = event.type;
  copied['id'] = event.id;
  root['event'] = copied;
  return root;
}
