// What one side of a serial link counts. Frame counts are whole frames; stream bytes are the
// payload bytes of the ordered stream (each counted once, retransmissions excluded).
export interface SerialLinkStats {
  framesSent: number;
  framesReceived: number; // good frames, any type
  dataFramesSent: number; // new data frames (not retransmissions)
  dataFramesDelivered: number; // in-order data frames whose payload went to the stream
  retransmissions: number; // data frames sent again after a timeout
  timeouts: number; // retransmission timer expiries
  duplicatesDropped: number; // good data frames not delivered: duplicate, out of order, no room
  crcErrors: number;
  framingErrors: number; // bad COBS, runt
  oversize: number;
  invalidFrames: number; // good CRC, bad content
  droppedBytes: number; // wire bytes of every dropped chunk
  streamBytesSent: number;
  streamBytesReceived: number;
  pingsSent: number;
  pongsReceived: number;
  lastRttMs: number | undefined; // ping to matching pong
  opens: number; // sessions that reached OPEN
}

export function emptyStats(): SerialLinkStats {
  return {
    framesSent: 0,
    framesReceived: 0,
    dataFramesSent: 0,
    dataFramesDelivered: 0,
    retransmissions: 0,
    timeouts: 0,
    duplicatesDropped: 0,
    crcErrors: 0,
    framingErrors: 0,
    oversize: 0,
    invalidFrames: 0,
    droppedBytes: 0,
    streamBytesSent: 0,
    streamBytesReceived: 0,
    pingsSent: 0,
    pongsReceived: 0,
    lastRttMs: undefined,
    opens: 0,
  };
}
