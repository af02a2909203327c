# CTest cases for anthropic-cli and the examples (included by example/CMakeLists.txt
# when tests are built). Everything runs against mock_server on 127.0.0.1: the
# environment's credentials are blanked so that no test ever reaches the network.
#
# Run as a script (cmake -DRUN=prog|arg|... -DEXPECT=regex -P tests.cmake), this
# file is also the checker of one case: the program must exit 0 AND print
# output matching EXPECT (CTest's PASS_REGULAR_EXPRESSION alone ignores the exit status).
if(CMAKE_SCRIPT_MODE_FILE)
  string(REPLACE "|" ";" command "${RUN}")
  execute_process(COMMAND ${command} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
  message("${out}${err}")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "exit status ${status}")
  endif()
  if(NOT "${out}${err}" MATCHES "${EXPECT}")
    message(FATAL_ERROR "the output does not match: ${EXPECT}")
  endif()
  return()
endif()

function(anthropic_add_checked_test name expected)
  list(JOIN ARGN "|" run)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DRUN=${run}" "-DEXPECT=${expected}"
                                -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${anthropic_offline_env}" LABELS "example" TIMEOUT 60)
endfunction()
set(anthropic_offline_env "ANTHROPIC_API_KEY=;ANTHROPIC_AUTH_TOKEN=;ANTHROPIC_BASE_URL=")

# test/cli/ drives the anthropic-cli executable as a black box: tell it where it is.
if(TARGET test_cli)
  target_compile_definitions(test_cli PRIVATE ANTHROPIC_CLI_PATH="$<TARGET_FILE:anthropic-cli>")
  add_dependencies(test_cli anthropic-cli)
endif()

# README's first command, exactly.
anthropic_add_checked_test(cli_demo "Once upon a time, a unicorn found a quiet meadow"
  $<TARGET_FILE:anthropic-cli> --mock "Write a one-sentence bedtime story about a unicorn.")

# Each example runs in its offline mode (mock_server in-process) and checks its
# own results; the expressions below catch a program that exits 0 but printed
# nothing useful.
set(anthropic_example_checks
  "create|Once upon a time, a unicorn.*output tokens"
  "stream|Once upon a time, a unicorn.*output tokens"
  "tool_loop|get_weather.*end_turn"
  "batch|(retry 1 .*HTTP 429.*pacing: 2 requests left in the window, pausing [0-9]+ ms|pacing: 2 requests left in the window, pausing [0-9]+ ms.*retry 1 .*HTTP 429).*all 12 prompts answered in order"
  "message_batch|created: 3 requests.*batch ended: 3 succeeded.*> What is 12 times 12[?].*all 3 results read.*in_progress: 0 of 3 done"
  "relay_server|self-test passed: 200 clients"
  "cancel_timeout|request was cancelled.*winner: claude-.*idle timeout")
foreach(check IN LISTS anthropic_example_checks)
  string(FIND "${check}" "|" bar)
  string(SUBSTRING "${check}" 0 ${bar} name)
  math(EXPR start "${bar} + 1")
  string(SUBSTRING "${check}" ${start} -1 expected)
  if(NOT TARGET ${name})
    continue()
  endif()
  set(args "")
  if(name STREQUAL "relay_server")
    set(args --self-test)
  endif()
  anthropic_add_checked_test(example_${name} "${expected}" $<TARGET_FILE:${name}> ${args})
endforeach()
