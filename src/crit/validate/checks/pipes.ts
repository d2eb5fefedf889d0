/**
 * Pipe and FIFO data: each stored once, for a pipe (or FIFO) some file
 * describes. CRIU stores an entry for every pipe, amber only for pipes with
 * unread data, so a pipe without one restores empty: worth a warning.
 */
import { pipeEnds, type Checkpoint, type PipeContents, type PipeId } from '../../../model';
import { FIFO_DATA, PIPES_DATA } from '../../../model/image-names';
import type { CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';

interface PipeKind {
  image: string;
  contents: PipeContents[];
  kind: 'pipe' | 'fifo';
}

function checkKind(checkpoint: Checkpoint, { image, contents, kind }: PipeKind): Finding[] {
  const findings: Finding[] = [];
  const stored = new Map<PipeId, number>();
  contents.forEach((data, entry) => {
    const earlier = stored.get(data.pipe);
    if (earlier !== undefined) findings.push(error(image, `${kind} ${data.pipe} already has its data in entry ${earlier}`, { entry, field: 'pipe_id' }));
    else if (!pipeEnds(checkpoint, data.pipe).some((end) => end.kind === kind)) {
      findings.push(error(image, `data for ${kind} ${data.pipe}, which no file opens`, { entry, field: 'pipe_id' }));
    }
    stored.set(data.pipe, earlier ?? entry);
  });
  const pipes = new Set([...checkpoint.files.values()].flatMap((file) => (file.kind === kind ? [file.pipe] : [])));
  for (const pipe of pipes) {
    if (!stored.has(pipe)) findings.push(warning(image, `${kind} ${pipe} has no entry: it restores empty, with the default size`));
  }
  return findings;
}

export function checkPipes({ checkpoint }: CheckContext): Finding[] {
  return [
    ...checkKind(checkpoint, { image: PIPES_DATA, contents: checkpoint.pipeContents, kind: 'pipe' }),
    ...checkKind(checkpoint, { image: FIFO_DATA, contents: checkpoint.fifoContents, kind: 'fifo' }),
  ];
}
