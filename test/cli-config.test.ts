import { describe, expect, it } from 'vitest';
import { CliConfigError, loadConfig } from '../cli/config.ts';

describe('the CLI configuration', () => {
  it('reads PROOFROOM_EMBEDDED_READER_TURN_MS, and leaves the default to the database when unset', () => {
    expect(loadConfig({}, false).readerTurnMs).toBeUndefined();
    expect(
      loadConfig({ PROOFROOM_EMBEDDED_READER_TURN_MS: '' }, false).readerTurnMs
    ).toBeUndefined();
    expect(loadConfig({ PROOFROOM_EMBEDDED_READER_TURN_MS: '0' }, false).readerTurnMs).toBe(0);
    expect(loadConfig({ PROOFROOM_EMBEDDED_READER_TURN_MS: ' 300 ' }, false).readerTurnMs).toBe(
      300
    );
  });

  it('refuses a turn that is not an integer from 0 to 10000, naming the variable', () => {
    for (const bad of ['-1', '10001', '1.5', 'abc', '1e3x', 'Infinity'])
      expect(() => loadConfig({ PROOFROOM_EMBEDDED_READER_TURN_MS: bad }, false)).toThrow(
        new CliConfigError(
          `PROOFROOM_EMBEDDED_READER_TURN_MS must be an integer from 0 to 10000 (got "${bad}")`
        )
      );
  });

  it('reads PROOFROOM_EMBEDDED_THREAD: the embedded database on a thread of its own unless 0', () => {
    expect(loadConfig({}, false).embeddedThread).toBe(true);
    expect(loadConfig({ PROOFROOM_EMBEDDED_THREAD: '' }, false).embeddedThread).toBe(true);
    expect(loadConfig({ PROOFROOM_EMBEDDED_THREAD: '1' }, false).embeddedThread).toBe(true);
    expect(loadConfig({ PROOFROOM_EMBEDDED_THREAD: ' 0 ' }, false).embeddedThread).toBe(false);
  });

  it('refuses a PROOFROOM_EMBEDDED_THREAD other than 1 or 0, naming the variable', () => {
    for (const bad of ['2', 'yes', 'true', 'off', '01', '-1'])
      expect(() => loadConfig({ PROOFROOM_EMBEDDED_THREAD: bad }, false)).toThrow(
        new CliConfigError(
          `PROOFROOM_EMBEDDED_THREAD must be 1 (the embedded database on a thread of its own) or 0 (on the main thread) (got "${bad}")`
        )
      );
  });

  it('refuses a devnet port out of range', () => {
    expect(() => loadConfig({ PROOFROOM_DEVNET_PORT: '70000' }, false)).toThrow(CliConfigError);
    expect(loadConfig({}, false).devnetPort).toBe(9944);
  });
});
