/**
 * Recording the model calls of black-box agent CLIs: {@link
 * dev.cabtrace.sdk.proxy.ModelCallRecordingProxy} sits on 127.0.0.1 in front of the model endpoint
 * and records one {@code model_call} span per request, passing everything through unchanged. With
 * a cassette ({@link dev.cabtrace.sdk.proxy.CassetteMode}) it also stores every exchange in a JSON
 * Lines file and answers from it later without the model, for deterministic re-runs.
 */
package dev.cabtrace.sdk.proxy;
