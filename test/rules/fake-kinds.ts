import type { PlanKinds } from '../../src/rules/compile-rules.js';

/**
 * Two fake destination kinds, so the planner is tested without the real registry: `chat` escapes
 * `<` and renders text; `ledger` renders every param, and refuses an over-long name.
 */
export const fakeKinds: PlanKinds = {
  chat: {
    kind: 'chat',
    escape: (value: string) => value.replace(/</g, '&lt;'),
    buildRequest: (dest: { room: string }, params: { text: string; room?: string }, render: (t: string) => string) => ({
      room: params.room ?? dest.room,
      text: render(params.text),
    }),
  },
  ledger: {
    kind: 'ledger',
    escape: (value: string) => value,
    buildRequest: (_dest: unknown, params: { email: string; name: string }, render: (t: string) => string) => {
      const name = render(params.name);
      if (name.length > 20) throw new Error(`name is ${name.length} characters; the limit is 20`);
      if (name === 'throw a string') throw 'not an Error';
      return { email: render(params.email), name };
    },
  },
};

export const fakeDestinations = new Map([
  ['alerts', { kind: 'chat', config: { kind: 'chat', room: '#alerts' } }],
  ['crm', { kind: 'ledger', config: { kind: 'ledger' } }],
]);
