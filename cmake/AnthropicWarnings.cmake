# Warnings and sanitizers for the project's own programs (never imposed on consumers).
add_library(anthropic_project_flags INTERFACE)
# Tests and CI turn warnings into errors; `build.sh demo` does not, so that a newer
# compiler's new warning never stops a newcomer's first build.
option(ANTHROPIC_WARNINGS_AS_ERRORS "Build the project's own programs with -Werror" ON)
target_compile_options(anthropic_project_flags INTERFACE -Wall -Wextra -Wpedantic
                       $<$<BOOL:${ANTHROPIC_WARNINGS_AS_ERRORS}>:-Werror>)
if(ANTHROPIC_SANITIZE)
  target_compile_options(anthropic_project_flags INTERFACE
    -fsanitize=${ANTHROPIC_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(anthropic_project_flags INTERFACE -fsanitize=${ANTHROPIC_SANITIZE})
endif()
