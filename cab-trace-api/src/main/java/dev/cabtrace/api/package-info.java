/**
 * What a harness adapter links to trace a benchmark cell: the {@link dev.cabtrace.api.CellTracer}
 * facade, the {@link dev.cabtrace.api.CabSpanKind span kinds}, the {@link
 * dev.cabtrace.api.CabAttributes attribute conventions} and the cell's {@link
 * dev.cabtrace.api.CellIdentity identity}.
 *
 * <p>Everything here depends on {@code opentelemetry-api} alone and works as a no-op when no SDK is
 * installed. Arguments and return values are non-null unless marked otherwise.
 */
package dev.cabtrace.api;
