/** One visit-sized payload as the store keeps it (JSON text), for the store benchmarks. */
export const VISIT_PAYLOAD = JSON.stringify({
  owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
  user: { id: '1', firstName: 'Bench', lastName: 'User', name: 'Bench User', email: 'bench@example.com' },
  date: '2025-09-02T10:00:00.000Z',
  event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
  server: { id: '6502564c5c09c0a', name: "John's community" },
});
