/** What cab-trace's SDK packages share that is not API: no compatibility promise. */
package dev.cabtrace.sdk.internal;
