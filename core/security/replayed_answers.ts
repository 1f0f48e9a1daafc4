/**
 * Recognising a replayed answer (the whitepaper's `AttemptedReplayAttacks`). The charge point has
 * one CALL in flight; an answer (CALLRESULT or CALLERROR) whose id is not the one in flight is
 * ignored. It is a replay when it answers a CALL that was already answered and had been sent only
 * once: the central system answered that message id before, so a second answer can only be a
 * repetition of an earlier frame. An answer to an id never sent, or to a CALL that was sent again
 * after a timeout (same id, a legitimate late answer may arrive twice), is only noted.
 *
 * The ids of the last {@linkcode ANSWERED_IDS_KEPT} such answered CALLs are kept in the state
 * (`answeredIds`), so the check is O(1) and replays.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import type { OutgoingCall } from "../state.ts";
import { takeInFlight } from "../outbox.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";

/**
 * How many answered message ids are remembered.
 *
 * @example
 * ```ts
 * import { ANSWERED_IDS_KEPT } from "./replayed_answers.ts";
 * console.log(ANSWERED_IDS_KEPT); // 16
 * ```
 */
export const ANSWERED_IDS_KEPT = 16;

/**
 * The in-flight CALL answered by a frame with this id (see `takeInFlight`), remembered as
 * answered; or `undefined`, raising `AttemptedReplayAttacks` when the id was answered before.
 *
 * @example
 * ```ts
 * import { takeAnswered } from "./replayed_answers.ts";
 * import { Draft } from "../draft.ts";
 * import { initialState } from "../state.ts";
 * const d = new Draft({ ...initialState(), answeredIds: ["m-1"] }, "01JD0000000000000000000000", 0);
 * console.log(takeAnswered(d, "m-1", "CALLRESULT"), d.effects.raise[0]?.data);
 * // undefined { eventType: "AttemptedReplayAttacks", ... }
 * ```
 */
export function takeAnswered(d: Draft, id: string, what: string): OutgoingCall | undefined {
  const call = takeInFlight(d, id, what);
  if (call === undefined) {
    if (d.state.answeredIds.includes(id)) {
      d.note(`${what} for message id "${id}", which was already answered: a replay`);
      raiseSecurityEvent(
        d,
        "AttemptedReplayAttacks",
        `${what} for the already answered message id ${id}`,
      );
    }
    return undefined;
  }
  if (call.attempts === 1) {
    d.set({ answeredIds: [...d.state.answeredIds.slice(1 - ANSWERED_IDS_KEPT), id] });
  }
  return call;
}
