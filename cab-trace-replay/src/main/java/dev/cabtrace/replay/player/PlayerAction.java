package dev.cabtrace.replay.player;

/** What a key does in the player. */
enum PlayerAction {
  TOGGLE_PLAY,
  STEP_SPAN_FORWARD,
  STEP_SPAN_BACK,
  TICK_FORWARD,
  TICK_BACK,
  HOME,
  END,
  FASTER,
  SLOWER,
  QUIT
}
