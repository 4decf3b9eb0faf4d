/*
 * Runs a Node server script on a listening socket its parent hands down.
 *
 *   LISTEN_FD=N node listen_on_fd.js SCRIPT
 *
 * Every http.Server the script starts listens on descriptor N, whatever port
 * it asks for. The parent bound that socket to a free port and holds it from
 * the start: choosing a free port for the child to bind a second later raced
 * with every other socket opened meanwhile (an outgoing connection can take
 * the same port). Learning Locker's statement service takes its port from
 * EXPRESS_PORT only, hence this wrapper rather than an option.
 */
"use strict";
const http = require("http");
const path = require("path");

const fd = Number.parseInt(process.env.LISTEN_FD || "", 10);
if (!Number.isInteger(fd) || fd < 0 || process.argv.length < 3) {
  console.error("usage: LISTEN_FD=N node listen_on_fd.js SCRIPT (N: an inherited listening socket)");
  process.exit(2);
}
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnInheritedSocket(...args) {
  const done = args.find((arg) => typeof arg === "function");
  return listen.call(this, { fd }, done);
};
require(path.resolve(process.argv[2]));
