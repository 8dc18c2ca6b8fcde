/**
 * Benchmark commands: each prints its figures and its ratio to the plain OpenTelemetry path,
 * measured in the same run. They are not tests.
 */
package dev.cabtrace.examples.bench;
