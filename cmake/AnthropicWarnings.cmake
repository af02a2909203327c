# Warnings and sanitizers for the project's own programs (never imposed on consumers).
add_library(anthropic_project_flags INTERFACE)
# `build.sh test` (CI and developers) turns warnings into errors; a user's own
# build of the tests or examples (say `cmake -DCMAKE_BUILD_TYPE=Release`) does not,
# so that another compiler's or optimisation level's new warning never fails it.
option(ANTHROPIC_WARNINGS_AS_ERRORS "Build the project's own programs with -Werror" OFF)
target_compile_options(anthropic_project_flags INTERFACE -Wall -Wextra -Wpedantic
                       $<$<BOOL:${ANTHROPIC_WARNINGS_AS_ERRORS}>:-Werror>)
if(ANTHROPIC_SANITIZE)
  target_compile_options(anthropic_project_flags INTERFACE
    -fsanitize=${ANTHROPIC_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(anthropic_project_flags INTERFACE -fsanitize=${ANTHROPIC_SANITIZE})
endif()
