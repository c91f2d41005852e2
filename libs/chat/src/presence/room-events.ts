/** The presence key of a room in the cluster user registry. */
export const presenceKey = (room: string): string => `room:${room}`;
export const roomOfPresenceKey = (key: string): string | undefined => (key.startsWith('room:') ? key.slice(5) : undefined);
