# A pseudo-terminal for the progress tests (cli/pty_run.py): source it after lib.sh.
# on_tty FILE ARGS...: farm ARGS with stderr on an 80-column terminal whose bytes go to FILE,
# stdout to $OUT. The caller's environment comes after the defaults (TTY_ENV="NO_COLOR=1" ...).
on_tty() {
    local file=$1
    shift
    # PYTHONCOERCECLOCALE=0: Python would otherwise hand LANG=C's children LC_CTYPE=C.UTF-8.
    env -u NO_COLOR -u LC_CTYPE PYTHONCOERCECLOCALE=0 TERM=xterm-256color LANG=C.UTF-8 LC_ALL= \
        COLUMNS=80 ${TTY_ENV:-} \
        python3 "${FARM_SOURCE_DIR:?}/tests/cli/pty_run.py" --columns 80 --stdout "$WORK/.out" \
        "$file" -- "$FARM" "$@"
    RC=$?
    OUT=$(cat "$WORK/.out")
}
# tty_eval FILE EXPRESSION: the Python expression with `t` bound to what the terminal got.
tty_eval() {
    python3 -c 'import re,sys; t=open(sys.argv[1],encoding="utf-8",errors="replace",newline="").read(); print(eval(sys.argv[2]))' "$1" "$2"
}
# Every frame (the text after each carriage return) fits 79 columns once its codes are gone.
TTY_FITS='all(len(re.sub(r"\x1b\[[0-9;]*[mK]", "", f)) <= 79 for f in t.split("\r"))'
