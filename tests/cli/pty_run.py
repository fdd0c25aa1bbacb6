#!/usr/bin/env python3
"""Runs a command with its stderr on a pseudo-terminal, as a person's terminal would be.

    pty_run.py [--columns N] [--stdout FILE] TERMINAL_FILE -- COMMAND [ARGS...]

Everything the command writes to the terminal is saved, byte for byte, in TERMINAL_FILE: the
terminal is raw (no newline translation), so what farm wrote is what the file holds. stdout goes
to FILE when given, else to the terminal too. stdin is /dev/null. The window is N columns wide
(80 by default) and 24 rows high. Exits with the command's exit code.
"""
import argparse
import fcntl
import os
import struct
import subprocess
import sys
import termios
import tty


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--stdout")
    parser.add_argument("terminal_file")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    master, slave = os.openpty()
    tty.setraw(slave)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, args.columns, 0, 0))
    stdout = open(args.stdout, "wb") if args.stdout else slave
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave)
    os.close(slave)
    if args.stdout:
        stdout.close()
    data = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal has closed it
            break
        if not chunk:
            break
        data += chunk
    code = child.wait()
    with open(args.terminal_file, "wb") as out:
        out.write(data)
    sys.exit(code)


if __name__ == "__main__":
    main()
