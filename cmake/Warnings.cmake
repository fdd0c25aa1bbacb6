# Every target of farm compiles warning-free with these, and warnings are errors.
add_library(farm_warnings INTERFACE)
target_compile_options(farm_warnings INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
                                               -Wold-style-cast -Wimplicit-fallthrough)
