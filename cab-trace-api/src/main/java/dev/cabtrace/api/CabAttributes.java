package dev.cabtrace.api;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute conventions of cab-trace, in one place. Where OpenTelemetry's semantic conventions
 * have a name (container, process, GenAI), that name is used; the rest live under {@code cab.}.
 *
 * <table>
 *   <caption>Where each attribute is recorded</caption>
 *   <tr><th>span</th><th>attributes</th></tr>
 *   <tr><td>every span</td><td>{@code cab.span.kind}</td></tr>
 *   <tr><td>resource</td><td>{@code cab.cell_id}, {@code cab.sweep_id}, {@code cab.task_id},
 *       {@code cab.task_category}, {@code cab.tui}, {@code cab.model}</td></tr>
 *   <tr><td>{@code container}</td><td>{@code container.image.name}, {@code container.image.id},
 *       {@code container.command_args}, {@code process.exit.code}, {@code cab.timed_out},
 *       {@code cab.timeout_s}</td></tr>
 *   <tr><td>{@code adapter_run}</td><td>{@code gen_ai.agent.name}, {@code process.exit.code},
 *       {@code cab.pass}, {@code cab.timed_out}</td></tr>
 *   <tr><td>{@code tool_call}</td><td>{@code gen_ai.tool.name} plus free attributes</td></tr>
 *   <tr><td>{@code model_call}</td><td>the GenAI client conventions and {@code cab.request_hash}
 *       </td></tr>
 * </table>
 */
public final class CabAttributes {

  /** The cell phase of a span: one of {@link CabSpanKind#value()}. */
  public static final AttributeKey<String> SPAN_KIND = stringKey("cab.span.kind");

  // Resource attributes: the identity of the cell.
  /** The cell's full id, e.g. {@code sweep/openhands/qwen/.../rust-error-handling}. */
  public static final AttributeKey<String> CELL_ID = stringKey("cab.cell_id");
  /** The sweep this cell belongs to. */
  public static final AttributeKey<String> SWEEP_ID = stringKey("cab.sweep_id");
  /** The task, e.g. {@code polyglot/rust-error-handling}. */
  public static final AttributeKey<String> TASK_ID = stringKey("cab.task_id");
  /** The task's category, e.g. {@code polyglot}. */
  public static final AttributeKey<String> TASK_CATEGORY = stringKey("cab.task_category");
  /** The agent CLI, e.g. {@code openhands}. */
  public static final AttributeKey<String> TUI = stringKey("cab.tui");
  /** The model build id, e.g. {@code qwen/qwen3-next-80b-a3b-instruct}. */
  public static final AttributeKey<String> MODEL = stringKey("cab.model");

  // container
  /** The image name and tag the container ran. */
  public static final AttributeKey<String> CONTAINER_IMAGE_NAME = stringKey("container.image.name");
  /** The image digest, {@code sha256:...}. */
  public static final AttributeKey<String> CONTAINER_IMAGE_ID = stringKey("container.image.id");
  /** The command and its arguments, as an array. */
  public static final AttributeKey<List<String>> CONTAINER_COMMAND_ARGS =
      stringArrayKey("container.command_args");
  /** The exit code of the process (container or agent CLI). */
  public static final AttributeKey<Long> PROCESS_EXIT_CODE = longKey("process.exit.code");
  /** Whether the step was killed at its timeout. */
  public static final AttributeKey<Boolean> TIMED_OUT = booleanKey("cab.timed_out");
  /** The timeout the step ran under, in seconds. */
  public static final AttributeKey<Long> TIMEOUT_S = longKey("cab.timeout_s");

  // adapter_run
  /** The agent CLI that ran, on {@code adapter_run}. */
  public static final AttributeKey<String> GEN_AI_AGENT_NAME = stringKey("gen_ai.agent.name");
  /** Whether the scorer judged the task passed, on {@code adapter_run}. */
  public static final AttributeKey<Boolean> PASS = booleanKey("cab.pass");

  // tool_call
  /** The tool or plugin step's name. */
  public static final AttributeKey<String> GEN_AI_TOOL_NAME = stringKey("gen_ai.tool.name");

  // model_call: OpenTelemetry GenAI client conventions.
  /** {@code chat}, {@code text_completion}, ... */
  public static final AttributeKey<String> GEN_AI_OPERATION_NAME =
      stringKey("gen_ai.operation.name");
  /** {@code openai}, {@code anthropic}, ... */
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = stringKey("gen_ai.provider.name");
  /** The model the request asked for. */
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = stringKey("gen_ai.request.model");
  /** The model that answered. */
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL =
      stringKey("gen_ai.response.model");
  /** Prompt tokens. */
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS =
      longKey("gen_ai.usage.input_tokens");
  /** Completion tokens. */
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
      longKey("gen_ai.usage.output_tokens");
  /** Prompt tokens served from the provider's cache. */
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_read.input_tokens");
  /** Completion tokens spent on reasoning. */
  public static final AttributeKey<Long> GEN_AI_USAGE_REASONING_OUTPUT_TOKENS =
      longKey("gen_ai.usage.reasoning.output_tokens");
  /** Why the model stopped, one per choice. */
  public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
      stringArrayKey("gen_ai.response.finish_reasons");
  /** The sha-256 of the request body, lowercase hex. */
  public static final AttributeKey<String> REQUEST_HASH = stringKey("cab.request_hash");
  /** On a model call: true when the response could not be read for usage (see the reason). */
  public static final AttributeKey<Boolean> USAGE_UNREADABLE =
      AttributeKey.booleanKey("cab.usage_unreadable");
  /** Why the usage could not be read: an unknown content coding, a corrupt body, an oversized event. */
  public static final AttributeKey<String> USAGE_UNREADABLE_REASON =
      stringKey("cab.usage_unreadable.reason");
  /** On a model call: true when the answer was served from a cassette, not by the model. */
  public static final AttributeKey<Boolean> MODEL_CALL_REPLAYED = booleanKey("cab.model_call.replayed");

  // Terminal output of the container step, recorded as span events (see TerminalRecorder).
  /** Name of the span event holding one chunk of output. */
  public static final String OUTPUT_EVENT = "cab.output";
  /** Name of the span event marking that output beyond the cap was dropped. */
  public static final String OUTPUT_TRUNCATED_EVENT = "cab.output.truncated";
  /** On an output event: {@code stdout}, {@code stderr} or {@code pty}. */
  public static final AttributeKey<String> OUTPUT_STREAM = stringKey("cab.output.stream");
  /** On an output event: the chunk, as text (UTF-8) or base64 (see {@link #OUTPUT_ENCODING}). */
  public static final AttributeKey<String> OUTPUT_DATA = stringKey("cab.output.data");
  /** On an output event: {@code base64} when the chunk was not valid UTF-8; absent for text. */
  public static final AttributeKey<String> OUTPUT_ENCODING = stringKey("cab.output.encoding");
  /** On the truncation event: how many bytes were not recorded. */
  public static final AttributeKey<Long> OUTPUT_DROPPED_BYTES = longKey("cab.output.dropped_bytes");
  /** On the container span: the terminal's width in columns. */
  public static final AttributeKey<Long> TERMINAL_COLUMNS = longKey("cab.terminal.columns");
  /** On the container span: the terminal's height in rows. */
  public static final AttributeKey<Long> TERMINAL_ROWS = longKey("cab.terminal.rows");

  private CabAttributes() {}
}
