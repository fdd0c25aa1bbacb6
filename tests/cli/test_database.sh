#!/usr/bin/env bash
# The history database: where it lives, and what happens to a damaged, foreign or unwritable one.
source "$(dirname "$0")/lib.sh"

# Default location: .farm/perf.db in the project root (nearest package.json upward).
unset FARM_DB
mkdir -p proj/src && echo '{"name":"p"}' > proj/package.json
(cd proj/src && "$FARM" perf:build --runs 2 -- true >/dev/null 2>&1)
if [[ -f proj/.farm/perf.db ]]; then pass; else fail "default database in the project root"; fi
export FARM_DB="$WORK/history.db"

# --db wins over FARM_DB.
run_farm perf:build --runs 2 --db "$WORK/flag.db" -- true
expect_rc 0 "--db"
if [[ -f flag.db && ! -f history.db ]]; then pass; else fail "--db overrides FARM_DB"; fi

# A damaged file: exit 2, the path named, the file untouched.
head -c 8192 /dev/urandom > damaged.db
sum_before=$(sha256sum damaged.db)
run_farm perf:build --runs 2 --db damaged.db -- true
expect_rc 2 "a damaged database is a usage error"
expect_contains "$ERR" "damaged.db" "the message names the file"
expect_eq "$(sha256sum damaged.db)" "$sum_before" "the damaged file is left untouched"
run_farm perf:report --db damaged.db
expect_rc 2 "perf:report refuses a damaged database too"

# A text file is not a database either.
printf 'hello\nworld\n' > notes.db
run_farm perf:build --runs 2 --db notes.db -- true
expect_rc 2 "a text file"
expect_eq "$(cat notes.db)" "$(printf 'hello\nworld')" "the text file is untouched"

# Another program's SQLite database.
python3 -c 'import sqlite3; c=sqlite3.connect("other.db"); c.execute("create table t(x)"); c.commit()'
sum_before=$(sha256sum other.db)
run_farm perf:build --runs 2 --db other.db -- true
expect_rc 2 "a foreign database"
expect_contains "$ERR" "another program" "the message says whose it is"
expect_eq "$(sha256sum other.db)" "$sum_before" "the foreign database is untouched"

# An unwritable location.
mkdir ro && chmod 500 ro
if [[ $(id -u) -eq 0 ]]; then
    # root ignores permissions; a path under a regular file cannot be created by anyone.
    run_farm perf:build --runs 2 --db "$WORK/notes.db/sub/perf.db" -- true
else
    run_farm perf:build --runs 2 --db "$WORK/ro/sub/perf.db" -- true
fi
expect_rc 2 "an unwritable database"
expect_contains "$ERR" "perf.db" "the message names the path"

# A farm database whose user_version farm never wrote (negative, zero with farm's tables, newer):
# refused with exit 2 and left byte-identical. A negative version once indexed the migration
# steps out of bounds (SIGSEGV): a crafted .farm/perf.db in a cloned repository chose the jump.
"$FARM" perf:build --runs 2 --db good.db -- true >/dev/null 2>&1
for version in -1 -2147483648 0 99; do
    cp good.db "crafted$version.db"
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma user_version=%d" % int(sys.argv[2])); c.commit()' "crafted$version.db" "$version"
    sum_before=$(sha256sum "crafted$version.db")
    for command in "perf:build --runs 2 -- true" "perf:report" "perf:report --compare" "optimize:build"; do
        # shellcheck disable=SC2086
        FARM_DB="crafted$version.db" run_farm $command
        expect_rc 2 "user_version $version: farm $command refuses it (rc 139 is the old crash)"
        expect_contains "$ERR" "crafted$version.db" "user_version $version: the file is named"
    done
    expect_eq "$(sha256sum "crafted$version.db")" "$sum_before" "user_version $version: the file is byte-identical"
done

# perf:report with no history yet.
run_farm perf:report --db "$WORK/none.db"
expect_rc 0 "a report without history"
expect_contains "$OUT" "Nothing recorded yet" "it says so"
if [[ ! -e none.db ]]; then pass; else fail "perf:report must not create a database"; fi

finish
