# Writes the man page (gzipped, as Debian installs man pages) and the bash completion script
# from the built binary's command table: cmake -DROSTERD=BIN -DOUT=DIR -P generate_docs.cmake
execute_process(COMMAND ${ROSTERD} help --man OUTPUT_FILE ${OUT}/rosterd.8 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rosterd help --man failed (${rc})")
endif()
execute_process(COMMAND gzip -9nf ${OUT}/rosterd.8 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip of the man page failed (${rc})")
endif()
execute_process(COMMAND ${ROSTERD} help --bash-completion OUTPUT_FILE ${OUT}/rosterd.bash
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rosterd help --bash-completion failed (${rc})")
endif()
