package dev.cabtrace.sdk.proxy;

/**
 * What a {@link ModelCallRecordingProxy} does with its cassette (see {@link
 * ModelCallRecordingProxy.Builder#setCassette}).
 */
public enum CassetteMode {
  /**
   * Forward every request to the upstream and store every exchange; the cassette file is started
   * anew when the first exchange is stored, so a run that stores none leaves it as it was.
   */
  RECORD,
  /**
   * Answer only from the cassette, never reaching an upstream; a request it does not hold is
   * answered 404 at once and recorded as an ERROR {@code model_call} span.
   */
  REPLAY,
  /**
   * Answer from the cassette what it holds; forward the rest to the upstream and append those
   * exchanges to it.
   */
  RECORD_MISSING
}
