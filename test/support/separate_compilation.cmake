# What ANTHROPIC_SEPARATE_COMPILATION promises a user's translation units, checked
# with the compiler's own list of included files (-M):
#  - the client's public headers include no Beast, no OpenSSL, no Asio SSL, no
#    resolver and not Boost.JSON's parser implementation (while the same
#    headers, header-only, do: the check can fail);
#  - <anthropic/src.hpp> and <anthropic/testing/src.hpp> refuse to compile
#    without the macro, saying why.
file(MAKE_DIRECTORY ${WORK_DIR})
set(forbidden "boost/beast/|openssl/|boost/asio/ssl|boost/asio/ip/|boost/json/basic_parser_impl")

function(included_files out header)
  set(tu ${WORK_DIR}/includes.cpp)
  file(WRITE ${tu} "#include <${header}>\n")
  execute_process(COMMAND ${CXX} -std=c++20 ${ARGN} -I${INCLUDE_DIR} -M ${tu}
                  OUTPUT_VARIABLE deps ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "${header}: the compiler failed: ${err}")
  endif()
  set(${out} "${deps}" PARENT_SCOPE)
endfunction()

foreach(header anthropic/client.hpp anthropic/stream.hpp anthropic/anthropic.hpp)
  included_files(deps ${header} -DANTHROPIC_SEPARATE_COMPILATION)
  string(REGEX MATCHALL "[^ \n\\\\]*(${forbidden})[^ \n\\\\]*" found "${deps}")
  if(found)
    list(REMOVE_DUPLICATES found)
    message(FATAL_ERROR "${header} with ANTHROPIC_SEPARATE_COMPILATION includes ${found}")
  endif()
  included_files(deps ${header})
  if(NOT deps MATCHES "boost/beast/")
    message(FATAL_ERROR "${header}, header-only, includes no Beast: this check no longer tells anything")
  endif()
  message(STATUS "${header}: no Beast, OpenSSL, Asio SSL, resolver or JSON parser implementation when compiled separately")
endforeach()

foreach(src anthropic/src.hpp anthropic/testing/src.hpp)
  set(tu ${WORK_DIR}/src.cpp)
  file(WRITE ${tu} "#include <${src}>\n")
  execute_process(COMMAND ${CXX} -std=c++20 -I${INCLUDE_DIR} -fsyntax-only ${tu}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(rc EQUAL 0 OR NOT err MATCHES "#error.*define ANTHROPIC_SEPARATE_COMPILATION")
    message(FATAL_ERROR "<${src}> without ANTHROPIC_SEPARATE_COMPILATION: exit ${rc}, ${err}")
  endif()
  message(STATUS "<${src}> refuses to compile without ANTHROPIC_SEPARATE_COMPILATION")
endforeach()
