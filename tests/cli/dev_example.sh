# Sourced by CLI tests that run `farm perf:dev` on the example dev server (examples/devserver).
# dev_example_app DIR STARTUP_MS: copies the example to DIR with a farm.config.json of one service
# "web" on its own port (set in $port), ready at its URL, reloaded by appending to
# src/message.txt until it prints "reloaded".
dev_example_app() {
    : "${FARM_SOURCE_DIR:?FARM_SOURCE_DIR must point to the source tree}"
    cp -r "$FARM_SOURCE_DIR/examples/devserver" "$1"
    port=$(free_port_block 1)
    cat >"$1/farm.config.json" <<JSON
{ "dev": { "services": [
  { "name": "web", "command": "node server.js",
    "env": { "PORT": "$port", "STARTUP_MS": "$2" },
    "ready": { "url": "http://127.0.0.1:$port/" },
    "reload": { "file": "src/message.txt", "edit": "append", "output": "^reloaded" } } ] } }
JSON
}
