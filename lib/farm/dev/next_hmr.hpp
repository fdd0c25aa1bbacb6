// What farm says on a Next.js dev server's HMR socket (/_next/webpack-hmr) so that the server
// treats it as its own browser client, taken from Next.js 15's client and server sources.
//
// Turbopack sends chunk updates only to clients that subscribed to the chunk lists their page
// loaded: the browser sends {"type":"turbopack-subscribe","path":"static/chunks/…_.js"} for each
// chunk-list script (whose body pushes onto globalThis.TURBOPACK_CHUNK_LISTS), the path being the
// script's decoded src after "/_next/". Its updates come as {"action":"turbopack-message",
// "data":[{"resource":{"path":…},"type":"partial",…}]}.
// With webpack, the app-router client sends {"event":"ping","tree":…,"appDirRoute":true} (the
// pages router {"event":"ping","page":"/…"}) every 2.5 s; without them the server's on-demand
// entries dispose of a route that stayed inactive for a minute, and an edit of it then compiles
// nothing. Turbopack's server refuses pings ("unrecognized HMR message"), so they are sent to
// webpack only. The server never pings its clients: a "ping"/"pong" it might send is not an
// update.
//
// Guarantees: everything here is pure (no I/O); unit-tested against Next.js 15.5's real pages.
#pragma once

#include <string>
#include <vector>

namespace farm::dev {

// A script of the page that Next.js serves from /_next/.
struct NextScript {
    std::string src;  // as written in the page ("/_next/static/chunks/%5Bturbopack%5D_a._.js")
    std::string path; // decoded, after "/_next/" ("static/chunks/[turbopack]_a._.js")
};

// The scripts of `html` served under /_next/ (an assetPrefix or basePath before it is kept in
// `src`), in page order, each once. One pass over the page, whatever its size.
std::vector<NextScript> next_scripts(const std::string& html);

// True when `body` is a Turbopack chunk list (what the browser subscribes to).
bool is_turbopack_chunk_list(const std::string& body);

// {"type":"turbopack-subscribe","path":PATH}
std::string turbopack_subscribe_message(const std::string& path);

// The pings Next.js's webpack client sends for the page at `page_path` ("/", "/blog/a"): the
// app-router one (its tree built from the path's segments) and the pages-router one; the server
// keeps whichever route exists alive and ignores the other.
std::vector<std::string> next_ping_messages(const std::string& page_path);

// The path of an http URL ("http://localhost:3000/blog?x" -> "/blog"); "/" when it has none.
std::string url_path(const std::string& url);

} // namespace farm::dev
