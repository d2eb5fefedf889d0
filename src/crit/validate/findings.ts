/** What validation found: one problem each, placed at an image file, entry and field. */

export type Severity = 'error' | 'warning';

export interface Finding {
  /** An error means restore would fail or restore something else; a warning is worth knowing but restorable. */
  severity: Severity;
  /** The file (name inside the checkpoint directory) the problem is in; `kernel` for this system's kernel features. */
  image: string;
  /** Index of the entry in that image, the first being 0 (a pagemap's header included). */
  entry?: number;
  /** The entry's field, dotted for sub-messages (`thread_info.gpregs.ip`). */
  field?: string;
  message: string;
}

/** Where in an image a finding is. */
export interface Place {
  entry?: number;
  field?: string;
}

function finding(severity: Severity, image: string, message: string, place: Place): Finding {
  return {
    severity,
    image,
    ...(place.entry === undefined ? {} : { entry: place.entry }),
    ...(place.field === undefined ? {} : { field: place.field }),
    message,
  };
}

export const error = (image: string, message: string, place: Place = {}): Finding => finding('error', image, message, place);
export const warning = (image: string, message: string, place: Place = {}): Finding => finding('warning', image, message, place);

export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error');
