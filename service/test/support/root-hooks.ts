// Mocha root hooks: whatever the run started is stopped at the end.
import { stopEmulator } from './emulator.ts';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopEmulator();
  },
};
