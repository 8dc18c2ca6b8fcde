// One plain and one streamed Chat Completions call with the real OpenAI client, which reads
// OPENAI_BASE_URL and OPENAI_API_KEY. What the model answered goes to stdout (compared byte for byte
// between recording and replay); when each streamed chunk arrived goes to stderr, on a line
// starting "timing ".
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0, timeout: 30_000 });

const plain = await client.chat.completions.create({
  model: 'gpt-5-mini',
  messages: [{ role: 'user', content: 'Say hello' }],
});
console.log(JSON.stringify(plain));

const sent = performance.now();
const stream = await client.chat.completions.create({
  model: 'gpt-5-mini',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Count to three' }],
});
const chunkMillis = [];
let text = '';
for await (const chunk of stream) {
  chunkMillis.push(performance.now() - sent);
  text += chunk.choices[0]?.delta?.content ?? '';
  console.log(JSON.stringify(chunk));
}
console.log(JSON.stringify({ text }));
console.error('timing ' + JSON.stringify({ chunkMillis }));
