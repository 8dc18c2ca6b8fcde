// Streams one chat completion through OPENAI_BASE_URL with the official client and prints what
// it read: the content, the finish reason and the usage from the final chunk.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-test-not-a-real-key', maxRetries: 0 });
const stream = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
});
let content = '';
let finish = null;
let usage = null;
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    content += choice.delta?.content ?? '';
    finish = choice.finish_reason ?? finish;
  }
  usage = chunk.usage ?? usage;
}
console.log(JSON.stringify({ content, finish, usage }));
