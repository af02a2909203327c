# Warnings and sanitizers for the project's own programs (never imposed on consumers).
add_library(anthropic_project_flags INTERFACE)
target_compile_options(anthropic_project_flags INTERFACE -Wall -Wextra -Wpedantic -Werror)
if(ANTHROPIC_SANITIZE)
  target_compile_options(anthropic_project_flags INTERFACE
    -fsanitize=${ANTHROPIC_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(anthropic_project_flags INTERFACE -fsanitize=${ANTHROPIC_SANITIZE})
endif()
