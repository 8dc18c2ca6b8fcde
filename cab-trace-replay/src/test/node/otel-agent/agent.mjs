// A stand-in agent: three spans through the official OpenTelemetry JS SDK, exported over OTLP to
// the endpoint and protocol in the standard environment variables, as child spans of the
// TRACEPARENT it was given (the W3C environment-variable carrier).
import { context, propagation, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';

const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
const { OTLPTraceExporter } = protocol === 'grpc'
  ? await import('@opentelemetry/exporter-trace-otlp-grpc')
  : await import('@opentelemetry/exporter-trace-otlp-proto');

const provider = new NodeTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
provider.register({ propagator: new W3CTraceContextPropagator() });

const parent = propagation.extract(ROOT_CONTEXT, { traceparent: process.env.TRACEPARENT || '' });
const tracer = trace.getTracer('node-agent', '1.0.0');
await context.with(parent, async () => {
  await tracer.startActiveSpan('agent.plan', async (plan) => {
    plan.setAttribute('agent.step', 1);
    tracer.startSpan('agent.read_file', { attributes: { 'file.path': 'src/lib.rs' } }).end();
    tracer.startSpan('agent.edit', { attributes: { 'edit.lines': 12 } }).end();
    plan.end();
  });
});
await provider.shutdown();
console.log(`exported 3 spans over ${protocol} to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`);
