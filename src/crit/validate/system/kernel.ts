/** The kernel features restore needs for this checkpoint, as `amber check` found them (cached). */
import { kernelFeatures } from '../../../check/kernel-features';
import type { Checkpoint } from '../../../model';
import type { CheckContext } from '../context';
import { error, type Finding } from '../findings';

/** Where kernel findings are placed: they concern no image. */
export const KERNEL = 'kernel';

interface Need {
  feature: string;
  why: string;
  applies(checkpoint: Checkpoint): boolean;
}

const otherFileOfType = (checkpoint: Checkpoint, type: string): boolean =>
  [...checkpoint.files.values()].some((file) => file.kind === 'other' && file.type === type);

const NEEDS: readonly Need[] = [
  { feature: 'ptrace_seize', why: 'restore drives every task it creates through ptrace', applies: () => true },
  { feature: 'clone3_set_tid', why: 'restore creates each task with its old pid', applies: () => true },
  {
    feature: 'timens',
    why: 'a task is in a time namespace of its own',
    applies: ({ tasks, inventory }) => tasks.some((task) => task.ids?.timeNamespace !== undefined && task.ids.timeNamespace !== inventory.rootIds?.timeNamespace),
  },
  {
    feature: 'memfd',
    why: 'shared anonymous memory and memfd files are restored through memfd',
    applies: (checkpoint) => otherFileOfType(checkpoint, 'MEMFD') || checkpoint.tasks.some((task) => task.memory?.vmas.some((vma) => vma.kind.anonShared)),
  },
  { feature: 'tcp_repair', why: 'TCP sockets are restored in repair mode', applies: (checkpoint) => otherFileOfType(checkpoint, 'INETSK') },
];

export async function checkKernelFeatures({ checkpoint }: CheckContext): Promise<Finding[]> {
  const kernel = await kernelFeatures();
  return NEEDS.filter((need) => need.applies(checkpoint) && !kernel.has(need.feature)).map((need) => error(KERNEL, `${need.feature} is missing, but ${need.why}`));
}
