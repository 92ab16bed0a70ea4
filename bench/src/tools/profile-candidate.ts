/**
 * Runs one candidate of scenario 1, 2 or 4 over and over so that `node --cpu-prof` (or `--heap-prof`) sees
 * it alone, then prints its client CPU time per operation. Usage:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/tools/profile-candidate.ts throughput "tracking on" 60000
 *   node --import tsx src/tools/profile-summary.ts /tmp/prof/<main thread file>.cpuprofile 40 index.js
 *
 * The first argument is the scenario (throughput, stream, overload), the second a part of the candidate's
 * name, the third how many operations (requests, streams or bursts).
 */
import { CHAT_REQUEST, LOOPBACK_API_KEY } from '../chat-request.js';
import { startLoopbackServer } from '../loopback/start-server.js';
import { burst } from '../scenarios/overload.js';
import { streamClients } from '../scenarios/stream.js';
import { drive, throughputClients } from '../scenarios/throughput.js';

const [scenario = 'throughput', part = 'tracking on', countText] = process.argv.slice(2);
process.setSourceMapsEnabled(false);
const server = await startLoopbackServer();
try {
  if (scenario === 'throughput') {
    const count = Number(countText ?? 60_000);
    const { clients, close } = throughputClients(server, 64);
    const name = Object.keys(clients).find((n) => n.includes(part));
    if (name === undefined)
      throw new Error(`no candidate matches ${part}: ${Object.keys(clients).join(', ')}`);
    const send = clients[name] as () => Promise<unknown>;
    await drive(send, Math.min(count, 10_000), 64);
    const before = process.cpuUsage();
    const rps = await drive(send, count, 64);
    const used = process.cpuUsage(before);
    console.log(
      `${name}: ${Math.round(rps)} requests/s, ${((used.user + used.system) / count).toFixed(1)} µs CPU per request`,
    );
    await close();
  } else if (scenario === 'stream') {
    const count = Number(countText ?? 200);
    const { readers, close } = streamClients(server);
    const name = Object.keys(readers).find((n) => n.includes(part));
    if (name === undefined)
      throw new Error(`no candidate matches ${part}: ${Object.keys(readers).join(', ')}`);
    const read = readers[name] as () => Promise<number>;
    for (let i = 0; i < 5; i++) await read();
    const before = process.cpuUsage();
    const t0 = performance.now();
    let events = 0;
    for (let i = 0; i < count; i++) events += await read();
    const used = process.cpuUsage(before);
    console.log(
      `${name}: ${Math.round(events / ((performance.now() - t0) / 1000))} events/s, ${(((used.user + used.system) / events) * 1000).toFixed(0)} ns CPU per event`,
    );
    await close();
  } else if (scenario === 'overload') {
    const count = Number(countText ?? 20);
    const { createOpenAI } = await import('@ipfs-accelerate/openai');
    const client = createOpenAI({
      apiKey: LOOPBACK_API_KEY,
      baseURL: server.baseURL,
      queue: { capacity: 100, concurrency: 64 },
    });
    const shed: number[] = [];
    for (let i = 0; i < count; i++) shed.push((await burst(() => client.chat(CHAT_REQUEST), 10_000)).shedMs);
    console.log(`shed 10,000: ${shed.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    await client.close();
  } else {
    throw new Error(`unknown scenario ${scenario}: throughput, stream or overload`);
  }
} finally {
  await server.close();
}
