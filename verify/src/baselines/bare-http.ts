// Baseline: a bare node:http server answering GET /status with the same body.
import { createServer } from 'node:http';

const body = JSON.stringify({ result: 'success' });
createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/status') {
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  res.writeHead(404).end();
}).listen(Number(process.env.PORT), '127.0.0.1');
