/**
 * Wiring the OpenTelemetry SDK for one harness process: {@link dev.cabtrace.sdk.CabTraceSdk}.
 */
package dev.cabtrace.sdk;
