/** Capturing ended spans and handing them to exporters without losing any. */
package dev.cabtrace.sdk.capture;
