/**
 * A responder on a subject of this machine's NATS server (not a test file itself), speaking the
 * protocol by hand: answers every request with "pong:<payload>".
 */
import { connect } from "node:net";

export interface NatsResponder {
  answered(): number;
  close(): void;
}

export async function startNatsResponder(subject: string, port = 4222): Promise<NatsResponder> {
  const socket = connect(port, "127.0.0.1");
  let answered = 0;
  let buffer = "";
  const subscribed = new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        const end = buffer.indexOf("\r\n");
        if (end < 0) return;
        const line = buffer.slice(0, end);
        if (line.startsWith("MSG ")) {
          const [, , , reply, size] = line.split(" ");
          const bytes = Number(size);
          if (buffer.length < end + 2 + bytes + 2) return;
          const payload = buffer.slice(end + 2, end + 2 + bytes);
          buffer = buffer.slice(end + 2 + bytes + 2);
          const answer = `pong:${payload}`;
          answered++;
          socket.write(`PUB ${reply} ${Buffer.byteLength(answer)}\r\n${answer}\r\n`);
          continue;
        }
        buffer = buffer.slice(end + 2);
        if (line === "PING") socket.write("PONG\r\n");
        if (line === "PONG") resolve();
      }
    });
  });
  socket.write(`CONNECT {"verbose":false}\r\nSUB ${subject} 1\r\nPING\r\n`);
  await subscribed;
  return { answered: () => answered, close: () => socket.destroy() };
}
