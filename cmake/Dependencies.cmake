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

# Start-up time: every shared library costs the dynamic loader time before main(), which
# `farm --version` and every short command pay. Where Debian ships the static archive, farm links
# it (not under the sanitizers, which want the shared runtime).
option(FARM_STATIC_LIBS "Link SQLite, yaml-cpp, zlib, brotli and libstdc++ statically" ON)
if(FARM_STATIC_LIBS AND NOT FARM_SANITIZE)
  find_library(FARM_SQLITE3_A NAMES libsqlite3.a)
  find_library(FARM_YAML_CPP_A NAMES libyaml-cpp.a)
  find_library(FARM_Z_A NAMES libz.a)
  find_library(FARM_BROTLIENC_A NAMES libbrotlienc.a)
  find_library(FARM_BROTLICOMMON_A NAMES libbrotlicommon.a)
  if(FARM_SQLITE3_A AND FARM_YAML_CPP_A AND FARM_Z_A AND FARM_BROTLIENC_A AND FARM_BROTLICOMMON_A)
    set_target_properties(SQLite::SQLite3 PROPERTIES IMPORTED_LOCATION ${FARM_SQLITE3_A}
                                                     INTERFACE_LINK_LIBRARIES "m;dl;Threads::Threads")
    set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION_NONE ${FARM_YAML_CPP_A}
                                              IMPORTED_LOCATION ${FARM_YAML_CPP_A})
    set_target_properties(ZLIB::ZLIB PROPERTIES IMPORTED_LOCATION ${FARM_Z_A})
    add_library(farm_brotli INTERFACE)
    target_link_libraries(farm_brotli INTERFACE ${FARM_BROTLIENC_A} ${FARM_BROTLICOMMON_A} m)
    target_include_directories(farm_brotli INTERFACE ${BROTLI_INCLUDE_DIRS})
    set(FARM_STATIC_RUNTIME_OPTIONS -static-libstdc++ -static-libgcc)
  else()
    message(STATUS "farm: static archives missing, linking shared libraries")
  endif()
endif()
if(NOT TARGET farm_brotli)
  add_library(farm_brotli INTERFACE)
  target_link_libraries(farm_brotli INTERFACE PkgConfig::BROTLI)
endif()
