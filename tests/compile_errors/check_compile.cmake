# Compiles one source file on its own (syntax only) and checks the outcome:
#   cmake -DCOMPILER=c++ -DFLAGS=flags.rsp -DSOURCE=x.cpp [-DEXPECT=text] -P check_compile.cmake
# With EXPECT, the compile must fail with exactly one error, and the first line with
# "error:" must contain EXPECT. ("error:", not "error": paths such as compile_errors/ appear
# on "required from here" lines.) Without EXPECT, it must compile, warnings being errors.
if(NOT DEFINED EXPECT OR EXPECT STREQUAL "")
  set(extra -Werror)
endif()
execute_process(COMMAND ${COMPILER} @${FLAGS} ${extra} ${SOURCE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)

if(NOT DEFINED EXPECT OR EXPECT STREQUAL "")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} should compile, but:\n${out}")
  endif()
  return()
endif()

if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but should fail with: ${EXPECT}")
endif()
string(REGEX MATCH "[^\n]*error:[^\n]*" first "${out}")
string(FIND "${first}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${SOURCE}: the first error should contain\n  ${EXPECT}\nbut the compiler printed:\n${out}")
endif()
string(REGEX MATCHALL "error:" errors "${out}")
list(LENGTH errors n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "${SOURCE}: ${n} errors, want the one above alone; the compiler printed:\n${out}")
endif()
