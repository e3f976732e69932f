/**
 * How long a test may wait for a condition (a request to arrive, a row to appear, a mail to be
 * delivered) before it reports a hang. The suite runs on busy machines (two cores, load averages
 * of 10 and more), where what takes 50 ms on a quiet one can take seconds. Waits end as soon as
 * their condition holds, so this costs nothing when things go well. Never use it as a budget that
 * a correct program must beat: assert on what happened, not on how long it took.
 */
export const PATIENCE_MS = 60_000;
