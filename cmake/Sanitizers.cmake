# FARM_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer,
# stopping at the first undefined behaviour instead of only reporting it.
add_library(farm_sanitizers INTERFACE)
if(FARM_SANITIZE)
  target_compile_options(farm_sanitizers INTERFACE -fsanitize=address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(farm_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
