# Driver of the crossbuild test: WRITER saves into DIR, then every program in READERS loads.
# Fails unless each reader loads every file and refuses every changed one, and unless the vector
# width readers (-mavx2, EIGEN_DONT_VECTORIZE) really compute some outputs with other bits.
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
execute_process(COMMAND "${WRITER}" write "${DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
message("writer:\n${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the writer failed (${rc})")
endif()
foreach(reader IN LISTS READERS)
  execute_process(COMMAND "${reader}" read "${DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  get_filename_component(name "${reader}" NAME)
  message("${name}:\n${out}")
  if(rc EQUAL 77)
    message("${name}: skipped (this processor cannot run it)")
    continue()
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} refused a valid file or loaded a changed one")
  endif()
  string(REGEX MATCH "outputs differing in their bits from the writer's: ([0-9]+)" _ "${out}")
  if(name MATCHES "avx2|novec" AND CMAKE_MATCH_1 EQUAL 0)
    message(FATAL_ERROR "${name} computes every output with the writer's bits: the test shows "
                        "nothing (choose models whose sums these builds order differently)")
  endif()
endforeach()
