/** Names of socket families, types, states and protocols, as the image tables give them. */
import { VALUE_TABLES } from '../../images/json/display-tables';

export type SocketField = 'family' | 'type' | 'state' | 'proto';

/** e.g. 'STREAM' for type 1; `FIELD N` for a number the tables do not name. */
export function socketValueName(field: SocketField, value: number): string {
  return VALUE_TABLES.get('sk')?.get(field)?.get(value) ?? `${field} ${value}`;
}
