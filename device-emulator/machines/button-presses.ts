// The board's push button as an actor: each press becomes a BUTTON event for the firmware, as an
// InterruptPort handler would raise it on the real board. Unsubscribes when the machine stops.
import { fromCallback } from 'xstate';
import type { NetduinoPlus2 } from '../../hardware/board/netduino.js';

export const buttonPresses = fromCallback<{ type: string }, { board: NetduinoPlus2 }>(({ input, sendBack }) =>
  input.board.button.onPress((press) => sendBack({ type: 'BUTTON', count: press.count })),
);
