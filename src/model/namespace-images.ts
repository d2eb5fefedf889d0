/** Seccomp filters and time namespaces to and from seccomp.img and timens-N.img. */
import type { Checkpoint } from './checkpoint';
import { fromEntry, toEntry } from './fields';
import type { ImageDirectory } from './image-directory';
import { SECCOMP, TIMENS_NAME, timensImage } from './image-names';
import type { ImageToWrite } from './image-set';
import { seccompRules, timeNamespaceRules, type TimeNamespace } from './namespaces';

type NamespaceObjects = Pick<Checkpoint, 'seccomp' | 'timeNamespaces'>;

export async function readNamespaceObjects(images: ImageDirectory): Promise<NamespaceObjects> {
  const seccompEntry = await images.readOneIfPresent(SECCOMP, 'SECCOMP');
  const timeNamespaces: TimeNamespace[] = [];
  for (const name of images.unreadMatching(TIMENS_NAME)) {
    const entry = await images.readOne(name, 'TIMENS', 'it is listed');
    const id = Number(TIMENS_NAME.exec(name)![1]);
    timeNamespaces.push({ id, ...images.convert(name, 0, () => fromEntry(entry, timeNamespaceRules)) });
  }
  return {
    seccomp: seccompEntry === undefined ? undefined : images.convert(SECCOMP, 0, () => fromEntry(seccompEntry, seccompRules)),
    timeNamespaces,
  };
}

export function namespaceImages(objects: NamespaceObjects): ImageToWrite[] {
  const { seccomp } = objects;
  return [
    ...(seccomp === undefined ? [] : [{ name: SECCOMP, kind: 'SECCOMP', entries: [toEntry(seccomp, seccompRules)] }]),
    ...objects.timeNamespaces.map((namespace) => ({ name: timensImage(namespace.id), kind: 'TIMENS', entries: [toEntry(namespace, timeNamespaceRules)] })),
  ];
}
