#!/usr/bin/env python3
"""An OpenAI-compatible chat server whose every token is GPU work, for checking farm's GPU
telemetry against nvidia-smi (bench/gpu_check.sh).

POST /v1/chat/completions (streamed or not): each of --tokens output tokens is --matmuls
multiplications of two --size x --size float32 matrices on the GPU, then one SSE chunk. At start
the server also holds --hold-mib of device memory, so that memory in use is plainly visible.
Requests run in parallel threads: concurrency keeps the GPU busier.

Needs python3 with torch and a CUDA device; --cpu runs the same protocol with a busy loop
instead (to try the HTTP side on a machine without a GPU).

    bench/gpu_load_server.py --port 8765 [--tokens 32] [--matmuls 8] [--size 4096]
"""
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_worker(args):
    if args.cpu:
        def work():
            end = time.perf_counter() + 0.002
            while time.perf_counter() < end:
                pass
        return work, "cpu"
    try:
        import torch
    except ImportError:
        sys.exit("gpu_load_server: torch is not installed (use --cpu to try without a GPU)")
    if not torch.cuda.is_available():
        sys.exit("gpu_load_server: no CUDA device (use --cpu to try without a GPU)")
    device = torch.device("cuda")
    held = torch.empty(args.hold_mib * 1024 * 1024 // 4, dtype=torch.float32, device=device)
    held.fill_(1.0)

    def work():
        a = torch.randn(args.size, args.size, device=device)
        b = torch.randn(args.size, args.size, device=device)
        for _ in range(args.matmuls):
            a = torch.mm(a, b)
            a = a / a.norm()
        torch.cuda.synchronize()
        return held

    return work, torch.cuda.get_device_name(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--matmuls", type=int, default=8)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--hold-mib", type=int, default=2048)
    parser.add_argument("--cpu", action="store_true")
    args = parser.parse_args()
    work, device_name = make_worker(args)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def send_json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.rstrip("/") == "/v1/models":
                self.send_json(200, {"object": "list", "data": [{"id": "gpu-load"}]})
            else:
                self.send_json(404, {"error": {"message": "no such path"}})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            try:
                request = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self.send_json(400, {"error": {"message": "the body is not JSON"}})
                return
            if self.path != "/v1/chat/completions":
                self.send_json(404, {"error": {"message": "only /v1/chat/completions"}})
                return
            tokens = int(request.get("max_tokens") or args.tokens)
            usage = {"prompt_tokens": 8, "completion_tokens": tokens, "total_tokens": 8 + tokens}
            if not request.get("stream"):
                for _ in range(tokens):
                    work()
                self.send_json(200, {"object": "chat.completion", "model": "gpu-load",
                                     "choices": [{"index": 0, "finish_reason": "length",
                                                  "message": {"role": "assistant",
                                                              "content": "x " * tokens}}],
                                     "usage": usage})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def event(payload):
                data = ("data: " + payload + "\n\n").encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            for i in range(tokens):
                work()
                event(json.dumps({"object": "chat.completion.chunk", "model": "gpu-load",
                                  "choices": [{"index": 0, "delta": {"content": "x "},
                                               "finish_reason": None if i + 1 < tokens
                                               else "length"}]}))
            event(json.dumps({"object": "chat.completion.chunk", "model": "gpu-load",
                              "choices": [], "usage": usage}))
            event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print("gpu_load_server listening on %s:%d (%s)" % (args.host, server.server_port, device_name),
          flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
