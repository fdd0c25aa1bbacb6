# Dependencies come from Debian packages only (scripts/setup-deps.sh installs them).
# Nothing is vendored and nothing is downloaded at configure time.
find_package(Threads REQUIRED)
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(SQLiteCpp REQUIRED CONFIG)
find_package(doctest REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(ZLIB REQUIRED)
find_package(CURL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlienc)
