import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { ChildCode, KcmpType, SIGKILL, WEXITED, WNOWAIT, WaitIdType } from '../../src/sys/constants';
import { close } from '../../src/sys/fd';
import { copyFdFromProcess, kcmp, pidfdOpen, pidfdSendSignal } from '../../src/sys/pidfd';
import { asPid } from '../../src/sys/types';
import { waitid } from '../../src/sys/wait';
import { withChild } from './children';

test('pidfd_getfd copies a child\'s fd and kcmp finds it equal', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    const copy = copyFdFromProcess(pid, 1);
    try {
      const self = asPid(process.pid);
      assert.equal(kcmp(pid, self, KcmpType.File, 1, copy), 'equal');
      assert.notEqual(kcmp(pid, self, KcmpType.File, 0, copy), 'equal');
      assert.equal(fs.readlinkSync(`/proc/self/fd/${copy}`), fs.readlinkSync(`/proc/${pid}/fd/1`));
      assert.equal(kcmp(pid, self, KcmpType.Vm), kcmp(self, pid, KcmpType.Vm) === 'less' ? 'greater' : 'less');
    } finally {
      close(copy);
    }
  });
});

test('pidfd_send_signal kills and waitid reports it without reaping', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    const pidfd = pidfdOpen(pid);
    try {
      pidfdSendSignal(pidfd, SIGKILL);
      const report = waitid(WaitIdType.Pidfd, pidfd, WEXITED | WNOWAIT);
      assert.deepEqual(report, { tid: pid, uid: 0, code: ChildCode.Killed, status: SIGKILL });
    } finally {
      close(pidfd);
    }
  });
});
