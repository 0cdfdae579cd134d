// Node reference central system for the benchmarks (dev-only, not part of the product).
//
//     node bench/node/server.js [--host 127.0.0.1] [--port 0]
//
// What a JavaScript user would write on the `ocpp-rpc` package: its RPCServer (ws + ajv) with
// strict mode on, so every request and response is checked against the OCPP 1.6 JSON schemas,
// no storage and no registry (any /ocpp/{id} is accepted). Answers what bench/ocpp_load.py
// sends (BootNotification, Heartbeat, StatusNotification, MeterValues, Authorize, Start- and
// StopTransaction), like bench/reference_server.py does.
//
// Prints `reference ready: OCPP ws://HOST:PORT` on stderr once it listens (the line
// bench/common.py waits for) and runs until SIGTERM or SIGINT.
'use strict';

const { createServer } = require('http');
const { RPCServer } = require('ocpp-rpc');

const PATH_PREFIX = '/ocpp/';

function option(name, fallback) {
    const at = process.argv.indexOf(name);
    return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

function now() {
    return new Date().toISOString();
}

async function main() {
    const host = option('--host', '127.0.0.1');
    const port = Number(option('--port', '0'));
    const server = new RPCServer({
        protocols: ['ocpp1.6'],
        strictMode: true,
        // As the Python reference (websockets' default): a ping every 20 s per connection.
        pingIntervalMs: 20000,
    });
    server.auth((accept, reject, handshake) => {
        const path = handshake.request.url.split('?')[0];
        if (!path.startsWith(PATH_PREFIX) || path.length === PATH_PREFIX.length) {
            reject(404, 'no such path');
            return;
        }
        accept();
    });
    let transactionIds = 0;
    server.on('client', (client) => {
        client.handle('BootNotification', () => ({
            status: 'Accepted', currentTime: now(), interval: 300,
        }));
        client.handle('Heartbeat', () => ({ currentTime: now() }));
        client.handle('StatusNotification', () => ({}));
        client.handle('MeterValues', () => ({}));
        client.handle('Authorize', () => ({ idTagInfo: { status: 'Accepted' } }));
        client.handle('StartTransaction', () => ({
            transactionId: ++transactionIds, idTagInfo: { status: 'Accepted' },
        }));
        client.handle('StopTransaction', () => ({}));
        // A charger that goes away mid-call is not the benchmark's concern.
        client.on('error', () => {});
    });
    // Our own HTTP server rather than server.listen(): its listen() keeps Node's backlog of
    // 511, and the storm connects a thousand at once (the Python reference uses 65535).
    const httpServer = createServer({ noDelay: true }, (request, response) => {
        response.statusCode = 404;
        response.end();
    });
    httpServer.on('upgrade', server.handleUpgrade);
    await new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port, host, backlog: 65535 }, resolve);
    });
    const address = httpServer.address();
    process.stderr.write(`reference ready: OCPP ws://${address.address}:${address.port}\n`);
    const stop = () => {
        httpServer.close();
        server.close({ force: true }).finally(() => process.exit(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
}

main().catch((error) => {
    process.stderr.write(`node reference failed: ${error.stack || error}\n`);
    process.exit(1);
});
