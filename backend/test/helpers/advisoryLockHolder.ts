/**
 * A process that campaigns for the action loop's advisory lock and prints `leading` once it holds it, for
 * tests that kill a leader outright. Usage: node --import tsx advisoryLockHolder.ts POSTGRES_URL
 */
import { AdvisoryLockElector } from '../../src/leader/advisoryLock.ts';

const url = process.argv[2];
if (!url) {
  console.error('usage: advisoryLockHolder.ts POSTGRES_URL');
  process.exit(2);
}
const elector = new AdvisoryLockElector({ url, identity: 'holder', renewDeadlineMs: 1000, retryPeriodMs: 200 });
elector.start({
  onStartedLeading: () => void process.stdout.write('leading\n'),
  onStoppedLeading: () => void process.stdout.write('stopped\n'),
});
