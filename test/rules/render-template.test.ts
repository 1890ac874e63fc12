import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/events/event.js';
import { eventView } from '../../src/rules/event-view.js';
import { parseTemplate, renderTemplate, templateTags } from '../../src/rules/render-template.js';
import { eventFrom, visitPayload } from './visit-event.js';

const lt = (s: string) => s.replace(/</g, '&lt;');
const view = JSON.parse(
  '{"__proto__":{"x":"polluted"},"user":{"name":"<b>Jane</b> & \\"Co\\" \'s","n":5,"f":1.5,"ok":false,"none":null,"o":{"a":[1,"<"]},"tags":["a","<b>"]},"items":[{"name":"first"}],"empty":[]}',
) as JsonObject;

describe('renderTemplate', () => {
  it.each([
    ['{{ user.name }}', '&lt;b>Jane&lt;/b> & "Co" \'s'],
    ['{{user.name}}', '&lt;b>Jane&lt;/b> & "Co" \'s'],
    ['{{{user.name}}}', '<b>Jane</b> & "Co" \'s'],
    ['{{& user.name}}', '<b>Jane</b> & "Co" \'s'],
    ['{{user.n}}/{{user.f}}/{{user.ok}}', '5/1.5/false'],
    ['{{user.o}}', '{"a":[1,"&lt;"]}'],
    ['{{{user.o}}}', '{"a":[1,"<"]}'],
    ['{{user.tags}}', '["a","&lt;b>"]'],
    ['[{{user.none}}][{{user.missing}}][{{{nope.deeper}}}]', '[][][]'],
    ['{{items.0.name}}', 'first'],
    ['{{#user.tags}}({{.}}){{/user.tags}}', '(a)(&lt;b>)'],
    ['{{#items}}{{name}}:{{user.n}}{{/items}}', 'first:5'],
    ['{{#user}}{{n}}{{/user}}', '5'],
    ['{{#user.ok}}yes{{/user.ok}}{{^user.ok}}no{{/user.ok}}', 'no'],
    ['{{^empty}}none{{/empty}}', 'none'],
    ['{{^user.missing}}missing{{/user.missing}}', 'missing'],
    ['{{constructor.name}}|{{user.constructor.name}}|{{__proto__.x}}|{{x}}|{{user.name.length}}|{{toString}}', '|||||'],
    ['{{#constructor}}reached{{/constructor}}', ''],
    ['{{> constructor}}{{> user}}', ''],
    ['{{! a comment }}plain', 'plain'],
    ['{{=<% %>=}}<% user.n %>', '5'],
  ])('%s renders %j', (template, expected) => {
    expect(renderTemplate(template, view, lt)).toBe(expected);
  });

  it('never applies mustache HTML escaping', () => {
    expect(renderTemplate('{{user.name}}', view, (s) => s)).toBe('<b>Jane</b> & "Co" \'s');
  });

  it('renders the docs sample', () => {
    const sample = eventView(eventFrom(visitPayload()));
    expect(renderTemplate(':wave: {{ user.name }} ({{user.email_domain}}) visited {{ server.name }} at {{date}}', sample, lt)).toBe(
      ":wave: Jane Doe (example.com) visited John's community at 2025-09-02T09:41:04.769Z",
    );
  });

  it('throws mustache parse errors', () => {
    expect(() => renderTemplate('{{user.name', view, lt)).toThrow('Unclosed tag at 11');
    expect(() => parseTemplate('{{#a}}x')).toThrow('Unclosed section "a" at 7');
  });
});

describe('templateTags', () => {
  it.each([
    ['plain text', []],
    ['{{ user.name }} at {{server.name}}', [['name', 'user.name', 0, 15, []], ['name', 'server.name', 19, 34, []]]],
    [
      '{{a}}{{#b}}{{c}}{{.}}{{^d}}{{{e}}}{{/d}}{{/b}}{{&f}}{{! g }}{{> h}}',
      [
        ['name', 'a', 0, 5, []],
        ['#', 'b', 5, 11, []],
        ['name', 'c', 11, 16, ['b']],
        ['name', '.', 16, 21, ['b']],
        ['^', 'd', 21, 27, ['b']],
        ['&', 'e', 27, 34, ['b']],
        ['&', 'f', 46, 52, []],
        ['!', 'g', 52, 60, []],
        ['>', 'h', 60, 67, []],
      ],
    ],
    ['{{#s}}{{#t}}{{a}}{{/t}}{{/s}}', [['#', 's', 0, 6, []], ['#', 't', 6, 12, ['s']], ['name', 'a', 12, 17, ['s', 't']]]],
    ['{{=<% %>=}}<%& a %>', [['=', '<% %>', 0, 11, []], ['&', 'a', 11, 19, []]]],
  ])('%j has %j', (template, tags) => {
    expect(templateTags(template).map((t) => [t.type, t.name, t.start, t.end, t.sections])).toEqual(tags);
  });

  it('throws on a malformed template', () => {
    expect(() => templateTags('{{/a}}')).toThrow('Unopened section "a" at 0');
  });
});
