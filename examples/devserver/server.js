// A dev server the way a developer meets one, in miniature: it takes a moment to start, prints
// the address it listens on, serves a page built from src/message.txt, and reloads that file
// when it changes, saying "reloaded" each time.
//
// Settings (environment): PORT (default 5178), STARTUP_MS (the start-up work, default 300),
// PID_FILE (write the process id there, for tests), HANG=1 (never become ready: print that it
// is starting, then wait forever without listening), REDIRECT=1 (the root answers 302 to /home,
// as an app that sends visitors to a locale or a login page).
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const port = Number(process.env.PORT || 5178);
const startupMs = Number(process.env.STARTUP_MS || 300);
const messageFile = path.join(__dirname, 'src', 'message.txt');

if (process.env.PID_FILE) {
  fs.writeFileSync(process.env.PID_FILE, String(process.pid));
}
console.log('starting dev server (pid ' + process.pid + ')');

if (process.env.HANG === '1') {
  console.log('waiting for something that never comes...');
  setInterval(() => {}, 1 << 30);
  return;
}

let message = fs.readFileSync(messageFile, 'utf8');
let version = 1;

function reload() {
  fs.readFile(messageFile, 'utf8', (error, text) => {
    if (error) {
      console.error('cannot read ' + messageFile + ': ' + error.message);
      return;
    }
    message = text;
    version += 1;
    console.log('reloaded (version ' + version + ')');
  });
}

// The "compilation" a real dev server does before it listens.
setTimeout(() => {
  const server = http.createServer((request, response) => {
    if (process.env.REDIRECT === '1' && request.url === '/') {
      response.writeHead(302, { location: '/home' });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>devserver</title><pre>' + message + '</pre>\n');
  });
  server.listen(port, '127.0.0.1', () => {
    fs.watch(messageFile, () => reload());
    console.log('ready on http://localhost:' + port);
  });
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}, startupMs);
