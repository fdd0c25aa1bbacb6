# Precompiled headers for the commands: CLI11 (header-only in Debian's 2.1) costs several seconds
# of parsing and instantiation in every file that includes it, and nlohmann-json a few more; the
# commands parse them once instead. The library and the tests are left alone: most of their files
# need neither, and their compile time goes to code generation. Off with -DFARM_PCH=OFF; with
# ccache as the compiler launcher, set CCACHE_SLOPPINESS=pch_defines,time_macros to cache them.
option(FARM_PCH "Precompile CLI11 and nlohmann-json for the commands" ON)

function(farm_precompile target)
  if(FARM_PCH)
    target_precompile_headers(${target} PRIVATE <CLI/CLI.hpp> <nlohmann/json.hpp> <string>
                                                <vector>)
  endif()
endfunction()
