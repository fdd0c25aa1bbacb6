# FARM_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer,
# stopping at the first undefined behaviour instead of only reporting it.
add_library(farm_sanitizers INTERFACE)
if(FARM_SANITIZE)
  target_compile_options(farm_sanitizers INTERFACE -fsanitize=address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(farm_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# FARM_FUZZ=ON (clang only, tests/fuzz/) instruments everything for libFuzzer's coverage
# feedback, with the same sanitizers.
option(FARM_FUZZ "Build the libFuzzer targets of tests/fuzz (needs clang++)" OFF)
if(FARM_FUZZ)
  target_compile_options(farm_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(farm_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
