// Preloaded into a real `bridge serve` child (node --import): on SIGUSR2 it throws an uncaught
// exception, or leaves a rejection unhandled (FATAL_TRIGGER=rejection), carrying a secret-named field.
process.on('SIGUSR2', () => {
  const err = Object.assign(new Error(`boom: ${process.env.FATAL_TRIGGER ?? 'exception'}`), { token: 'xoxb-fatal-secret' });
  if (process.env.FATAL_TRIGGER === 'rejection') void Promise.reject(err);
  else throw err;
});
