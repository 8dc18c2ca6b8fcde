/**
 * Keeping secrets out of traces: {@link dev.cabtrace.sdk.redact.Redaction} masks credentials in
 * every span before it is persisted or exported.
 */
package dev.cabtrace.sdk.redact;
