#!/usr/bin/env python3
"""`farm perf --watch` in a pseudo-terminal, read as a person sees it (tests/cli/test_perf_dashboard.sh).

Usage: dashboard_pty.py SCENARIO FARM [ARGS...]; prints one line per check, "PASS what" or
"FAIL what: detail", for the shell test to count. The child's output goes through a small
terminal emulator (cursor positioning, erase, the alternate screen, cursor visibility, line
wrapping) that also counts what a monitor must never do: scroll, or write past the last column.

Scenarios:
  gpu     the fake NVML's two devices at 80x24, then a resize to 120x40, then Ctrl-C
  no-gpu  no NVML library at 80x24, then SIGTERM
Waits have generous deadlines and end as soon as the screen shows what is awaited: nothing here
depends on how fast the machine is.
"""
import codecs
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

DEADLINE_S = 30


class Terminal:
    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.main = self._blank()
        self.alt = None  # the alternate screen's cells while it is on
        self.row = self.col = 0
        self.cursor_visible = True
        self.wrap = True
        self.scrolled = 0  # line feeds at the bottom row: the screen moved up
        self.overflow = 0  # characters written past the last column with wrapping off
        self.clears = 0  # "erase the whole screen" requests
        self.frames = 0  # synchronized updates ended (DEC mode 2026): whole frames drawn
        self.frame = []  # the screen as the last whole frame left it
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending = ""

    def _blank(self):
        return [[" "] * self.cols for _ in range(self.rows)]

    @property
    def cells(self):
        return self.alt if self.alt is not None else self.main

    def resize(self, rows, cols):
        def fit(cells):
            out = [[" "] * cols for _ in range(rows)]
            for r in range(min(rows, len(cells))):
                for c in range(min(cols, len(cells[r]))):
                    out[r][c] = cells[r][c]
            return out

        self.rows, self.cols = rows, cols
        self.main = fit(self.main)
        if self.alt is not None:
            self.alt = fit(self.alt)
        self.row, self.col = min(self.row, rows - 1), min(self.col, cols - 1)

    def lines(self):
        return ["".join(r).rstrip() for r in self.cells]

    def feed(self, data):
        text = self.pending + self.decoder.decode(data)
        self.pending = ""
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                m = re.compile(r"\x1b\[([?]?)([0-9;]*)([A-Za-z@])").match(text, i)
                if not m:
                    if re.fullmatch(r"\x1b(\[[?]?[0-9;]*)?", text[i:]):
                        self.pending = text[i:]  # an escape cut by the read: wait for the rest
                        return
                    i += 2  # ESC 7, ESC =, ...: nothing a monitor needs
                    continue
                self._csi(m.group(1), m.group(2), m.group(3))
                i = m.end()
                continue
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self._line_feed()
            elif ch == "\b":
                self.col = max(0, self.col - 1)
            elif ch >= " ":
                self._put(ch)
            i += 1

    def _line_feed(self):
        if self.row == self.rows - 1:
            self.scrolled += 1
            self.cells.pop(0)
            self.cells.append([" "] * self.cols)
        else:
            self.row += 1

    def _put(self, ch):
        if self.col >= self.cols:
            if self.wrap:
                self.col = 0
                self._line_feed()
            else:
                self.overflow += 1
                self.col = self.cols - 1
        self.cells[self.row][self.col] = ch
        self.col += 1

    def _csi(self, private, params, final):
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else []
        if private == "?" and final in "hl":
            on = final == "h"
            for n in numbers:
                if n == 1049:
                    if on:
                        self.saved = (self.row, self.col)
                        self.alt = self._blank()
                    else:
                        self.alt = None
                        self.row, self.col = getattr(self, "saved", (0, 0))
                elif n == 25:
                    self.cursor_visible = on
                elif n == 7:
                    self.wrap = on
                elif n == 2026 and not on:
                    self.frames += 1
                    self.frame = self.lines()
            return
        if final == "H":
            r = (numbers[0] if numbers else 1) or 1
            c = (numbers[1] if len(numbers) > 1 else 1) or 1
            self.row, self.col = min(r, self.rows) - 1, min(c, self.cols) - 1
        elif final == "K":
            for c in range(self.col, self.cols):
                self.cells[self.row][c] = " "
        elif final == "J":
            mode = numbers[0] if numbers else 0
            if mode == 2:
                self.clears += 1
                for r in range(self.rows):
                    self.cells[r] = [" "] * self.cols
            else:
                for c in range(self.col, self.cols):
                    self.cells[self.row][c] = " "
                for r in range(self.row + 1, self.rows):
                    self.cells[r] = [" "] * self.cols


def check(ok, what, detail=""):
    print(("PASS " if ok else "FAIL ") + what + ("" if ok else ": " + detail), flush=True)


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Session:
    def __init__(self, argv, env, rows, cols):
        self.term = Terminal(rows, cols)
        self.raw = b""
        pid, fd = pty.fork()
        if pid == 0:
            try:
                set_size(sys.stdin.fileno(), rows, cols)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)  # exec failed: the parent sees exit code 127 and an empty screen
        self.pid, self.fd = pid, fd
        set_size(fd, rows, cols)
        self.status = None

    def pump(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False  # the child is gone and the terminal closed
        if not data:
            return False
        self.raw += data
        self.term.feed(data)
        return True

    def wait_for(self, condition):
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            if condition():
                return True
            if not self.pump(0.1):
                return condition()
        return condition()

    def resize(self, rows, cols):
        # The kernel sends SIGWINCH to the terminal's foreground process group: farm.
        set_size(self.fd, rows, cols)
        self.term.resize(rows, cols)

    def finish(self):
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            self.pump(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self.pump(0.05):
                    pass
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None

    def line(self, prefix):
        return next((l for l in self.term.frame if l.startswith(prefix)), "")


def meter(line, label):
    """The full cells and the width of the meter after LABEL in LINE."""
    m = re.search(re.escape(label) + r"\[([^\]]*)\]", line)
    if not m:
        return None
    return m.group(1).count("█"), len(m.group(1))


def check_screen(s, rows, cols, gpu):
    lines = s.term.frame
    check(len(lines) == rows, f"{cols}x{rows}: the screen has {rows} rows", str(len(lines)))
    check(lines[0].startswith("farm perf · ") and lines[0].endswith("q or Ctrl-C to leave")
          and len(lines[0]) == cols,
          f"{cols}x{rows}: the header is the first row, as wide as the screen", repr(lines[0]))
    for label in ("CPU  ", "Mem  ", "Disk "):
        got = meter(s.line(label), label)
        check(got is not None and got[1] >= 8, f"{cols}x{rows}: the {label.strip()} meter",
              "\n".join(lines))
    check(s.line("I/O  ") != "", f"{cols}x{rows}: the disk I/O line", "\n".join(lines))
    check(any(l.startswith("── Latest results ─") for l in lines),
          f"{cols}x{rows}: the latest results", "\n".join(lines))
    alerts = next((i for i, l in enumerate(lines) if l.startswith("── Alerts ─")), None)
    check(alerts is not None and len(lines[alerts]) == cols,
          f"{cols}x{rows}: the alerts, their rule as wide as the screen", "\n".join(lines))
    check(alerts is not None and alerts + 1 < rows and lines[alerts + 1].startswith("BUDGET "),
          f"{cols}x{rows}: the breached budget under the alerts' rule", "\n".join(lines))
    if rows == 24:
        # Results, alerts and the CPU chart fill a small screen to its last row, which stays drawn.
        check(lines[-1] != "", f"{cols}x{rows}: the last row is drawn", "\n".join(lines))
    if gpu:
        for index in (0, 1):
            line = s.line(f"GPU{index} ")
            util = meter(line, f"GPU{index} ")
            memory = meter(line, "mem ")
            check(util is not None and util[0] == util[1] * 50 // 100,
                  f"{cols}x{rows}: GPU{index}'s utilisation meter is half full (50%)", line)
            check(memory is not None and memory[0] == memory[1] // 4,
                  f"{cols}x{rows}: GPU{index}'s memory meter is a quarter full", line)
            check("61 °C" in line and "123 W" in line,
                  f"{cols}x{rows}: GPU{index}'s temperature and power", line)
    else:
        check(s.line("GPU  ").startswith("GPU  not available"),
              f"{cols}x{rows}: no GPU says so", "\n".join(lines))
    check(s.term.scrolled == 0, f"{cols}x{rows}: the screen never scrolled",
          f"{s.term.scrolled} line feeds at the bottom row")
    check(s.term.overflow == 0, f"{cols}x{rows}: nothing written past the last column",
          f"{s.term.overflow} characters")


def check_restored(s, rc, how):
    check(rc == 0, f"{how} leaves with exit code 0", str(rc))
    check(s.term.alt is None, f"{how} gives the main screen back", repr(s.raw[-80:]))
    check(s.term.cursor_visible, f"{how} shows the cursor again", repr(s.raw[-80:]))
    check(s.term.wrap, f"{how} turns line wrapping back on", repr(s.raw[-80:]))


def main():
    scenario, farm = sys.argv[1], sys.argv[2]
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    if scenario == "gpu":
        env.update(FARM_NVML_LIBRARY=os.environ["FAKE_NVML_LIBRARY"], FAKE_NVML_COUNT="2",
                   FAKE_NVML_NAME="Fake H100", FAKE_NVML_UTIL="50",
                   FAKE_NVML_MEM_USED=str(20 << 30), FAKE_NVML_MEM_TOTAL=str(80 << 30),
                   FAKE_NVML_TEMP="61", FAKE_NVML_POWER_MW="123000")
    else:
        env["FARM_NVML_LIBRARY"] = "/nonexistent/libnvidia-ml.so.1"
    # A long --interval: only a resize (SIGWINCH) can redraw the screen within the deadline.
    argv = [farm, "perf", "--watch", "--interval", "600"] + sys.argv[3:]
    s = Session(argv, env, 24, 80)
    shown = s.wait_for(lambda: s.term.frames >= 1)
    check(shown and s.term.alt is not None, "80x24: a first frame on the alternate screen",
          repr(s.raw[-400:]))
    check(not s.term.cursor_visible, "80x24: the cursor is hidden", "")
    check_screen(s, 24, 80, scenario == "gpu")
    if scenario == "gpu":
        before = s.term.frames
        s.resize(40, 120)
        redrawn = s.wait_for(lambda: s.term.frames > before)
        check(redrawn, "120x40: redrawn for the new size at once (SIGWINCH)",
              "\n".join(s.term.lines()))
        check(s.term.clears >= 2, "120x40: the resize cleared the screen first", "")
        check_screen(s, 40, 120, True)
        os.write(s.fd, b"\x03")  # Ctrl-C, as the keyboard sends it
        check_restored(s, s.finish(), "Ctrl-C")
    else:
        os.kill(s.pid, signal.SIGTERM)
        check_restored(s, s.finish(), "SIGTERM")
    print("END", flush=True)  # every check ran: the shell test fails a script that stopped early


if __name__ == "__main__":
    main()
